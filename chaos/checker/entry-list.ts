// Lowe's doubly linked list of call and return entries, in real-time order. Entry 2k is op k's
// call and 2k+1 its return; the sentinel head is entry 2n. Lifting an op unlinks both of its
// entries; unlifting in reverse order of lifting restores the list exactly (dancing links).

export interface Timed {
  callNs: number;
  returnNs: number;
}

export class EntryList {
  readonly head: number;
  /** -1 ends the list. */
  readonly next: Int32Array;
  readonly prev: Int32Array;

  constructor(ops: readonly Timed[]) {
    const n = ops.length;
    this.head = 2 * n;
    this.next = new Int32Array(2 * n + 1);
    this.prev = new Int32Array(2 * n + 1);
    const order = Array.from({ length: 2 * n }, (_, i) => i);
    const timeOf = (e: number): number => (e & 1 ? ops[e >> 1]!.returnNs : ops[e >> 1]!.callNs);
    // Calls sort before returns at equal times: touching operations count as concurrent, the
    // reading that can never call a correct history wrong.
    order.sort((a, b) => timeOf(a) - timeOf(b) || (a & 1) - (b & 1) || a - b);
    let last = this.head;
    for (const e of order) {
      this.next[last] = e;
      this.prev[e] = last;
      last = e;
    }
    this.next[last] = -1;
  }

  /** Unlinks call entry `call` and its return. */
  lift(call: number): void {
    const { next, prev } = this;
    next[prev[call]!] = next[call]!;
    if (next[call]! !== -1) prev[next[call]!] = prev[call]!;
    const ret = call + 1;
    next[prev[ret]!] = next[ret]!;
    if (next[ret]! !== -1) prev[next[ret]!] = prev[ret]!;
  }

  /** Undoes the most recent lift still in effect, which must be of `call`. */
  unlift(call: number): void {
    const { next, prev } = this;
    const ret = call + 1;
    next[prev[ret]!] = ret;
    if (next[ret]! !== -1) prev[next[ret]!] = ret;
    next[prev[call]!] = call;
    if (next[call]! !== -1) prev[next[call]!] = call;
  }
}
