/**
 * A first-in first-out queue on an array with a moving head: amortised O(1) push and shift, where
 * Array#shift is O(n) and evicting a Map through `keys().next()` grows dearer with every deletion
 * (state-machine.ts). A shifted slot is emptied at once, so its item can be collected before the
 * consumed prefix is dropped (once that prefix is at least half the array); left in place they
 * were promoted and cost the generator mark-compacts (docs/perf/2026-11-28-generator-pauses.md).
 */
export class ArrayFifo<T> {
  #items: (T | undefined)[];
  #head = 0;

  /** Takes `items`, oldest first, as its own. */
  constructor(items: T[] = []) {
    this.#items = items;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** The items still queued, oldest first (a copy). */
  toArray(): T[] {
    return this.#items.slice(this.#head) as T[];
  }
}
