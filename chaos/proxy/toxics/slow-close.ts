// Data flows untouched; the end of the stream (the FIN) is held back for `delay` ms.
import type { Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

class SlowCloseStage implements Stage {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly delayMs: number, private readonly out: StageOutput) {}

  write(chunk: Chunk): void { this.out.push(chunk); }

  end(): void {
    this.timer = setTimeout(() => this.out.end(), Math.max(0, this.delayMs));
  }

  stop(): Chunk[] {
    clearTimeout(this.timer);
    return [];
  }
}

export const slowClose: ToxicKind = {
  type: 'slow_close',
  goStruct: 'SlowCloseToxic',
  fields: { delay: 'int64' },
  create: (attributes, out) => new SlowCloseStage(attributes.delay ?? 0, out),
};
