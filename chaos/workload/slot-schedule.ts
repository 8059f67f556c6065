/**
 * The open-loop schedule every workload runs on: slot i is due at t0 + i/R whatever the
 * cluster does (wrk2's rule), so a stalled cluster shows as clients waiting, not as fewer
 * requests. Slots that came due while the timer was late are all sent at once, each keeping
 * its own due time for latency. Calls are tracked so `stop()` can wait for the open ones.
 */
export class SlotSchedule {
  readonly intervalMs: number;
  private t0Ms = 0;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    rateRps: number,
    private readonly nowMs: () => number,
    /** Sends slot `slot`, due at `dueMs`; returns the call, or null when it was skipped. */
    private readonly send: (slot: number, dueMs: number) => Promise<void> | null,
  ) {
    if (!(rateRps > 0)) throw new RangeError(`rateRps must be positive, got ${rateRps}`);
    this.intervalMs = 1000 / rateRps;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.t0Ms = this.nowMs();
    this.tick();
  }

  /** Stops scheduling and waits for every open call to end (each is bounded by its own timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private tick(): void {
    if (this.stopped) return;
    const due = Math.floor((this.nowMs() - this.t0Ms) / this.intervalMs) + 1;
    while (this.next < due) {
      const slot = this.next++;
      const call = this.send(slot, this.t0Ms + slot * this.intervalMs);
      if (call) {
        this.inFlight.add(call);
        void call.finally(() => this.inFlight.delete(call));
      }
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.t0Ms + this.next * this.intervalMs - this.nowMs()));
  }
}
