// Passes the first `bytes` bytes of this direction, then closes the connection. The count belongs
// to the connection: updating the toxic keeps it (Toxiproxy keeps it as stub state too).
import type { Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

class LimitDataStage implements Stage {
  transmitted: number;
  private closed = false;

  constructor(private readonly limit: number, private readonly out: StageOutput, previous?: Stage) {
    this.transmitted = previous instanceof LimitDataStage ? previous.transmitted : 0;
  }

  write(chunk: Chunk): void {
    if (this.closed) { this.out.drop(chunk.data.length); return; }
    const remaining = Math.max(0, this.limit - this.transmitted);
    if (remaining >= chunk.data.length) {
      this.transmitted += chunk.data.length;
      this.out.push(chunk);
    } else {
      this.transmitted += remaining;
      if (remaining > 0) this.out.push({ data: chunk.data.subarray(0, remaining), atMs: chunk.atMs });
      this.out.drop(chunk.data.length - remaining);
    }
    if (this.transmitted >= this.limit) {
      this.closed = true;
      this.out.close();
    }
  }

  end(): void { if (!this.closed) this.out.end(); }

  stop(): Chunk[] { return []; }
}

export const limitData: ToxicKind = {
  type: 'limit_data',
  goStruct: 'LimitDataToxic',
  fields: { bytes: 'int64' },
  create: (attributes, out, previous) => new LimitDataStage(attributes.bytes ?? 0, out, previous),
};
