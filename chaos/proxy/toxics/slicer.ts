// Cuts each chunk into slices the way Toxiproxy's SlicerToxic does: a range longer than
// average_size + size_variation is halved, the cut moved by a random offset in
// [-size_variation, size_variation), and both halves cut again. Each slice is written on its own,
// followed by a pause of `delay` MICROseconds; the next chunk is cut only after the last pause.
// Pauses run on a virtual clock (Node timers are coarser than µs) that never runs behind real
// time, so a late timer delays the following slices instead of releasing them in a burst.
// Deviation: upstream can cut outside the range (its process panics) or recurse forever (average
// 0, or a variation near the range size); we keep every cut strictly inside it (see README).
import type { Attributes, Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

/** Slice boundaries of a `length`-byte chunk: [0, b1, b2, ..., length]. */
export function sliceBounds(length: number, averageSize: number, sizeVariation: number, random: () => number): number[] {
  const bounds = [0];
  const cut = (start: number, end: number): void => {
    if (end - start - averageSize <= sizeVariation || end - start < 2) {
      bounds.push(end);
      return;
    }
    let mid = start + Math.floor((end - start) / 2);
    if (sizeVariation > 0) mid += Math.floor(random() * sizeVariation * 2) - sizeVariation;
    mid = Math.min(end - 1, Math.max(start + 1, mid));
    cut(start, mid);
    cut(mid, end);
  };
  if (length > 0) cut(0, length);
  return bounds;
}

class SlicerStage implements Stage {
  private readonly slices: Chunk[] = [];
  private ended = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private clockMs = 0;

  constructor(private readonly attributes: Attributes, private readonly out: StageOutput) {}

  write(chunk: Chunk): void {
    const bounds = sliceBounds(chunk.data.length, this.attributes.average_size ?? 0, this.attributes.size_variation ?? 0, () => this.out.random());
    for (let i = 1; i < bounds.length; i++) {
      this.slices.push({ data: chunk.data.subarray(bounds[i - 1], bounds[i]), atMs: chunk.atMs });
    }
    if (!this.waiting()) {
      this.clockMs = Math.max(this.clockMs, this.out.nowMs());
      this.next();
    }
  }

  end(): void {
    this.ended = true;
    if (this.slices.length === 0 && !this.waiting()) this.out.end();
  }

  private waiting(): boolean {
    return this.timer !== undefined || this.immediate !== undefined;
  }

  /** Writes the head slice, then waits out its pause before the next one. */
  private next(): void {
    this.timer = undefined;
    this.immediate = undefined;
    const slice = this.slices.shift();
    if (!slice) {
      if (this.ended) this.out.end();
      return;
    }
    this.out.push(slice);
    // The pause starts when the slice leaves, as upstream's time.After does: a late timer is not
    // caught up by sending the next slices at once. Below 1 ms the virtual clock keeps µs precision.
    this.clockMs = Math.max(this.clockMs, this.out.nowMs()) + (this.attributes.delay ?? 0) / 1000;
    const waitMs = this.clockMs - this.out.nowMs();
    if (waitMs >= 1) this.timer = setTimeout(() => this.next(), waitMs);
    else this.immediate = setImmediate(() => this.next());
  }

  stop(): Chunk[] {
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    return this.slices.splice(0);
  }
}

export const slicer: ToxicKind = {
  type: 'slicer',
  goStruct: 'SlicerToxic',
  fields: { average_size: 'int', size_variation: 'int', delay: 'int' },
  create: (attributes, out) => new SlicerStage(attributes, out),
};
