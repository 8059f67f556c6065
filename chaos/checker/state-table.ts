// Interns model states: equal states share one small integer id, so the search's memo stores an
// int per configuration instead of a state object (kv states are strings that grow with every
// append; keeping one copy per configuration is what used to exhaust the heap).

import { MemoryBudget } from './memory-budget.ts';

const EMPTY = 0;

export class StateTable<S> {
  private states: S[] = [];
  private hashes = new Int32Array(1024);
  /** Open addressing: id + 1 per slot, 0 empty; kept at most half full. */
  private slots = new Int32Array(2048);
  private mask = 2047;
  /** Bytes reserved from the budget (states by the model's estimate, and the tables). */
  bytes = 0;

  constructor(
    private readonly equal: (a: S, b: S) => boolean,
    private readonly stateBytes: (s: S) => number,
    private readonly budget: MemoryBudget,
  ) {
    this.charge(this.hashes.byteLength + this.slots.byteLength);
  }

  private charge(bytes: number): void {
    this.budget.reserve(bytes);
    this.bytes += bytes;
  }

  get size(): number {
    return this.states.length;
  }

  state(id: number): S {
    return this.states[id]!;
  }

  hashOf(id: number): number {
    return this.hashes[id]!;
  }

  /** The id of a kept state with this hash that `matches`, or -1. */
  find<A, B>(hash: number, matches: (candidate: S, a: A, b: B) => boolean, a: A, b: B): number {
    const { slots, mask, hashes, states } = this;
    for (let i = mixHash(hash) & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === EMPTY) return -1;
      const id = slot - 1;
      if (hashes[id] === (hash | 0) && matches(states[id]!, a, b)) return id;
    }
  }

  /** The id of the state equal to `state` (hash: model.hash(state)), adding it if new. */
  intern(state: S, hash: number): number {
    const { slots, mask, hashes, states } = this;
    for (let i = mixHash(hash) & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === EMPTY) break;
      const id = slot - 1;
      if (hashes[id] === (hash | 0) && this.equal(states[id]!, state)) return id;
    }
    const id = states.length;
    this.charge(this.stateBytes(state) + 8);
    if (id >= hashes.length) this.growEntries();
    states.push(state);
    this.hashes[id] = hash | 0;
    if (2 * (id + 1) > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(id);
    return id;
  }

  private place(id: number): void {
    const { slots, mask } = this;
    let i = mixHash(this.hashes[id]!) & mask;
    while (slots[i] !== EMPTY) i = (i + 1) & mask;
    slots[i] = id + 1;
  }

  private growEntries(): void {
    this.charge(this.hashes.byteLength);
    const bigger = new Int32Array(this.hashes.length * 2);
    bigger.set(this.hashes);
    this.hashes = bigger;
  }

  private rehash(slotCount: number): void {
    this.charge(slotCount * 4 - this.slots.byteLength);
    this.slots = new Int32Array(slotCount);
    this.mask = slotCount - 1;
    for (let id = 0; id < this.states.length; id++) this.place(id);
  }
}

/** Spreads a 32-bit hash over the low bits (murmur3's finaliser). */
export function mixHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
