// Lets nothing through. With timeout > 0 the connection is closed once `timeout` ms pass WITHOUT
// data: every chunk that arrives (and is dropped) restarts the clock, as Toxiproxy's select on a
// fresh time.After per loop does. With timeout 0 the connection stays open, silently swallowing
// data, until the toxic is removed. Removing it closes the connection too (as Toxiproxy does since
// 2.1.1, PR #168): bytes were lost, so resuming the stream would hand the peer a corrupted one.
import type { Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

class TimeoutStage implements Stage {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number, private readonly out: StageOutput) {
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.timeoutMs > 0) this.timer = setTimeout(() => this.out.close(), this.timeoutMs);
  }

  write(chunk: Chunk): void {
    this.out.drop(chunk.data.length);
    this.arm();
  }

  end(): void {
    clearTimeout(this.timer);
    this.out.close();
  }

  stop(): Chunk[] {
    clearTimeout(this.timer);
    return [];
  }
}

export const timeout: ToxicKind = {
  type: 'timeout',
  goStruct: 'TimeoutToxic',
  fields: { timeout: 'int64' },
  closesOnRemoval: true,
  create: (attributes, out) => new TimeoutStage(attributes.timeout ?? 0, out),
};
