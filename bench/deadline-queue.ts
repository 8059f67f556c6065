// In-flight requests in dispatch order. All requests of a run share one timeout, so dispatch
// order is deadline order and one periodic sweep of the head finds every expired request:
// O(1) per request, instead of one timer each (50,000 timers at 5,000 rps with a 10 s timeout).
import { ArrayFifo } from '../cluster/array-fifo.ts';

export interface Expirable {
  readonly deadlineMs: number;
  readonly done: boolean;
}

export class DeadlineQueue<T extends Expirable> {
  /** Emptying a slot as the sweep passes it matters here: see ArrayFifo. */
  #items = new ArrayFifo<T>();

  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes finished items from the head and returns those whose deadline has passed. */
  takeExpired(nowMs: number): T[] {
    const expired: T[] = [];
    for (let item = this.#items.peek(); item !== undefined; item = this.#items.peek()) {
      if (!item.done && item.deadlineMs > nowMs) break;
      this.#items.shift();
      if (!item.done) expired.push(item);
    }
    return expired;
  }

  /** Every item not finished yet (for abort). */
  pending(): T[] {
    return this.#items.toArray().filter((i) => !i.done);
  }
}
