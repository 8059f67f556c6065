// Cuts chunks into slices of `average_size` ± `size_variation` bytes (at least 1), each followed
// by a pause of `delay` MICROseconds. Timers are coarser than that, so slices are released by a
// virtual clock: every slice whose time has come leaves when a timer fires.
import { DueQueue } from './due-queue.ts';
import type { Attributes, Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

class SlicerStage implements Stage {
  private readonly held: DueQueue;
  private clockMs = 0;

  constructor(private readonly attributes: Attributes, private readonly out: StageOutput) {
    this.held = new DueQueue(out, false);
  }

  private sliceSize(): number {
    const average = this.attributes.average_size ?? 0;
    const variation = this.attributes.size_variation ?? 0;
    const offset = variation > 0 ? Math.floor(this.out.random() * (2 * variation + 1)) - variation : 0;
    return Math.max(1, average + offset);
  }

  write(chunk: Chunk): void {
    const gapMs = (this.attributes.delay ?? 0) / 1000;
    this.clockMs = Math.max(this.clockMs, this.out.nowMs());
    for (let start = 0; start < chunk.data.length;) {
      const end = Math.min(chunk.data.length, start + this.sliceSize());
      this.held.push({ data: chunk.data.subarray(start, end), atMs: chunk.atMs }, this.clockMs);
      this.clockMs += gapMs;
      start = end;
    }
    this.held.release();
  }

  end(): void {
    this.held.end();
  }

  stop(): Chunk[] {
    return this.held.stop();
  }
}

export const slicer: ToxicKind = {
  type: 'slicer',
  goStruct: 'SlicerToxic',
  fields: { average_size: 'int', size_variation: 'int', delay: 'int' },
  create: (attributes, out) => new SlicerStage(attributes, out),
};
