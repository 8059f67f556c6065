// In-flight requests in dispatch order. All requests of a run share one timeout, so dispatch
// order is deadline order and one periodic sweep of the head finds every expired request:
// O(1) per request, instead of one timer each (50,000 timers at 5,000 rps with a 10 s timeout).
export interface Expirable {
  readonly deadlineMs: number;
  readonly done: boolean;
}

export class DeadlineQueue<T extends Expirable> {
  #items: T[] = [];
  #head = 0;

  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes finished items from the head and returns those whose deadline has passed. */
  takeExpired(nowMs: number): T[] {
    const expired: T[] = [];
    while (this.#head < this.#items.length) {
      const item = this.#items[this.#head]!;
      if (!item.done && item.deadlineMs > nowMs) break;
      if (!item.done) expired.push(item);
      this.#head++;
    }
    this.#compact();
    return expired;
  }

  /** Every item not finished yet (for abort). */
  pending(): T[] {
    return this.#items.slice(this.#head).filter((i) => !i.done);
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
