// The first data (or EOF) to reach this toxic is discarded, and `timeout` ms later the connection
// is reset: the destination of this direction gets a TCP RST ("connection reset by peer").
import type { Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

class ResetPeerStage implements Stage {
  private timer: NodeJS.Timeout | undefined;
  private triggered = false;

  constructor(private readonly timeoutMs: number, private readonly out: StageOutput) {}

  private trigger(): void {
    if (this.triggered) return;
    this.triggered = true;
    if (this.timeoutMs <= 0) this.out.reset();
    else this.timer = setTimeout(() => this.out.reset(), this.timeoutMs);
  }

  write(chunk: Chunk): void {
    this.out.drop(chunk.data.length);
    this.trigger();
  }

  end(): void { this.trigger(); }

  stop(): Chunk[] {
    clearTimeout(this.timer);
    return [];
  }
}

export const resetPeer: ToxicKind = {
  type: 'reset_peer',
  goStruct: 'ResetToxic',
  fields: { timeout: 'int64' },
  create: (attributes, out) => new ResetPeerStage(attributes.timeout ?? 0, out),
};
