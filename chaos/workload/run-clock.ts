import { performance } from 'node:perf_hooks';

/**
 * The runner's one clock. History times must be monotonic (the checkers order operations by
 * them) while faults and the nodes' audit events carry wall-clock ms (Date.now in other
 * processes), so both views come from one source: performance.timeOrigin + performance.now()
 * is monotonic and starts out equal to the wall clock. Drift against Date.now over a run of
 * minutes is well under a millisecond unless the system clock is stepped.
 */
export class RunClock {
  /** Wall-clock ms that history time 0 stands for; stored in run.json. */
  readonly originEpochMs: number;

  constructor() {
    this.originEpochMs = this.nowEpochMs();
  }

  /** Monotonic, wall-clock aligned ms. */
  nowEpochMs(): number {
    return performance.timeOrigin + performance.now();
  }

  /** History time (ns since origin) for now. */
  nowNs(): number {
    return Math.round((this.nowEpochMs() - this.originEpochMs) * 1e6);
  }

  epochMsOfNs(timeNs: number): number {
    return this.originEpochMs + timeNs / 1e6;
  }
}
