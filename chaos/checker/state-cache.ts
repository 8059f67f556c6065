// The memo of Lowe's search: a configuration (set of linearized ops, model state) already seen
// leads nowhere new, because what can happen next depends on nothing else.

interface CacheEntry<S> {
  hashHigh: number;
  bits: Uint32Array;
  state: S;
  next: CacheEntry<S> | null;
}

export class StateCache<S> {
  // Keyed by 30 bits of the combined hash (small integers keep the Map on its fast path);
  // another 32 bits sit in each entry to reject most collisions before comparing bitsets.
  private readonly buckets = new Map<number, CacheEntry<S>>();
  size = 0;

  constructor(private readonly equal: (a: S, b: S) => boolean) {}

  /** Adds the configuration; false if an equal one was already present. Copies `bits`. */
  add(bits: Uint32Array, hashLow: number, hashHigh: number, state: S): boolean {
    const key = hashLow & 0x3fffffff;
    const first = this.buckets.get(key);
    for (let e = first ?? null; e !== null; e = e.next) {
      if (e.hashHigh === hashHigh && sameBits(e.bits, bits) && this.equal(e.state, state)) return false;
    }
    this.buckets.set(key, { hashHigh, bits: bits.slice(), state, next: first ?? null });
    this.size++;
    return true;
  }
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
