// Lets nothing through: data is dropped, and after `timeout` ms the connection is closed. With
// timeout 0 the connection stays open, silently swallowing data, until the toxic is removed.
// Removing it closes the connection too (as Toxiproxy does since 2.1.1, PR #168): bytes were lost,
// so resuming the stream would hand the peer a corrupted one.
import type { Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

class TimeoutStage implements Stage {
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number, private readonly out: StageOutput) {
    if (timeoutMs > 0) this.timer = setTimeout(() => out.close(), timeoutMs);
  }

  write(chunk: Chunk): void { this.out.drop(chunk.data.length); }

  end(): void { this.out.close(); }

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
