// The memo of Lowe's search: a configuration (set of resolved ops, interned state id) already seen
// leads nowhere new, because what can happen next depends on nothing else. Flat typed arrays
// (one bitset row per entry), so memory is counted exactly and stays off the JS heap.

import { MemoryBudget } from './memory-budget.ts';

export class StateCache {
  /** Open addressing: entry index + 1 per slot, 0 empty; kept at most half full. */
  private slots: Int32Array;
  private mask: number;
  private rows: Uint32Array;
  private stateIds: Int32Array;
  private lows: Int32Array;
  private highs: Int32Array;
  size = 0;

  /** Bytes reserved from the budget; the owner releases them when done. */
  bytes: number;

  constructor(private readonly words: number, private readonly budget: MemoryBudget, initialEntries = 1024) {
    this.bytes = initialEntries * (4 * words + 12 + 8);
    budget.reserve(this.bytes);
    this.rows = new Uint32Array(initialEntries * words);
    this.stateIds = new Int32Array(initialEntries);
    this.lows = new Int32Array(initialEntries);
    this.highs = new Int32Array(initialEntries);
    this.slots = new Int32Array(initialEntries * 2);
    this.mask = this.slots.length - 1;
  }

  /** Adds the configuration; false if it was already present. `low`/`high` hash bits and state. */
  add(bits: Uint32Array, low: number, high: number, stateId: number): boolean {
    const { slots, mask, rows, words, stateIds, highs } = this;
    let i = low & mask;
    for (let slot = slots[i]!; slot !== 0; i = (i + 1) & mask, slot = slots[i]!) {
      const e = slot - 1;
      if (highs[e] !== high || stateIds[e] !== stateId) continue;
      let same = true;
      for (let w = 0, r = e * words; w < words; w++, r++) {
        if (rows[r] !== bits[w]) { same = false; break; }
      }
      if (same) return false;
    }
    const e = this.size;
    if (e === stateIds.length) {
      this.growEntries();
    }
    const row = this.rows;
    for (let w = 0, r = e * words; w < words; w++, r++) row[r] = bits[w]!;
    this.stateIds[e] = stateId;
    this.lows[e] = low;
    this.highs[e] = high;
    this.size++;
    if (2 * this.size > this.slots.length) this.rehash();
    else slots[i] = e + 1;
    return true;
  }

  private growEntries(): void {
    const capacity = this.stateIds.length * 2;
    this.charge(this.stateIds.length * (4 * this.words + 12));
    const grow = <T extends Int32Array | Uint32Array>(a: T, length: number): T => {
      const b = new (a.constructor as new (n: number) => T)(length);
      b.set(a);
      return b;
    };
    this.rows = grow(this.rows, capacity * this.words);
    this.stateIds = grow(this.stateIds, capacity);
    this.lows = grow(this.lows, capacity);
    this.highs = grow(this.highs, capacity);
  }

  private rehash(): void {
    this.charge(this.slots.byteLength);
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    const { slots, mask, lows } = this;
    for (let e = 0; e < this.size; e++) {
      let i = lows[e]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = e + 1;
    }
  }

  private charge(bytes: number): void {
    this.budget.reserve(bytes);
    this.bytes += bytes;
  }
}
