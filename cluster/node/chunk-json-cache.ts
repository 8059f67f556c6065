/**
 * The JSON text of fixed-size chunks of a sequence whose items never change once added and
 * leave oldest first, if at all: the state machine's records (never) and session entries
 * (evicted oldest first). Item n, counted from this cache's creation, belongs to chunk
 * floor(n / chunkSize); a chunk's text is kept while all of its items are present, so a
 * snapshot serialises only what was added since the last one (docs/perf/2026-11-27-write-path-costs.md).
 */
export class ChunkJsonCache {
  private readonly texts = new Map<number, string>();
  private firstPresent = 0;

  constructor(private readonly chunkSize: number) {}

  /** The number of the oldest item still present; read it when taking the copy to serialise. */
  get first(): number {
    return this.firstPresent;
  }

  /** The oldest item left: its chunk is no longer whole and is never read again. */
  evictOldest(): void {
    this.texts.delete(Math.floor(this.firstPresent / this.chunkSize));
    this.firstPresent++;
  }

  /**
   * items[0, count) as JSON values joined by commas, in pieces on the chunk grid. `items[0]` is
   * item number `first`, as read when the items were copied (evictions may happen while the
   * pieces are taken). Correctness rests on `whole`: a chunk read from the cache is all in the
   * copy, and items never change. `firstPresent <= n` only keeps the cache bounded: a chunk
   * already evicted would never be dropped.
   */
  *pieces(items: readonly unknown[], first: number, count = items.length): Generator<string, void, void> {
    const { chunkSize } = this;
    for (let i = 0; i < count;) {
      const n = first + i;
      const k = Math.floor(n / chunkSize);
      const end = Math.min(count, (k + 1) * chunkSize - first);
      const whole = end - i === chunkSize; // then n is k * chunkSize
      let json = whole ? this.texts.get(k) : undefined;
      if (json === undefined) {
        // One stringify of the slice, brackets cut: the same text as stringifying each item and
        // joining with commas (JSON arrays have no spaces). A node's first snapshot serialises
        // every record; for 10k records (2.9 MB) that took 13-20 ms here, against 24-38 ms.
        json = JSON.stringify(items.slice(i, end)).slice(1, -1);
        if (whole && this.firstPresent <= n) this.texts.set(k, json);
      }
      yield i === 0 ? json : `,${json}`;
      i = end;
    }
  }

  /** The chunk numbers whose text is kept, for tests of the bound. */
  kept(): number[] {
    return [...this.texts.keys()];
  }
}
