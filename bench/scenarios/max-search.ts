// The search behind `bench max`, apart from any IO so it can be tested: which connection count to
// try next, given the steps so far. Closed loop: more connections raise throughput until the
// cluster saturates, after which they only add queueing (latency). A measurement passes when its
// p99 is within the bound and at most 0.1% of its requests failed; the answer is the passing
// measurement with the most ok/s.
//   0. A failure is confirmed before it counts: a count that failed once is run again, and fails
//      only if the second run fails too (one slow second on a shared machine is not a verdict).
//   1. Double from 1 until a count fails or the cap is reached. A dip in throughput does not end
//      the ladder: on a shared machine it is as often noise as saturation, and a saturated
//      cluster fails the bound soon anyway (queueing: p99 grows with connections / throughput).
//   2. Bisect between the best passing count and the first failing one above it, twice at most.
export interface MaxStep {
  connections: number;
  okPerSec: number;
  p99Ms: number;
  errorRate: number;
}

export const maxErrorRate = 0.001;
const refineLimit = 2;

export function passes(s: MaxStep, p99BoundMs: number): boolean {
  return s.p99Ms <= p99BoundMs && s.errorRate <= maxErrorRate;
}

export function bestStep(steps: readonly MaxStep[], p99BoundMs: number): MaxStep | null {
  let best: MaxStep | null = null;
  for (const s of steps) if (passes(s, p99BoundMs) && (best === null || s.okPerSec > best.okPerSec)) best = s;
  return best;
}

type Verdict = 'pass' | 'unconfirmed' | 'fail';

function verdicts(steps: readonly MaxStep[], p99BoundMs: number): Map<number, Verdict> {
  const runs = new Map<number, boolean[]>();
  for (const s of steps) runs.set(s.connections, [...(runs.get(s.connections) ?? []), passes(s, p99BoundMs)]);
  const out = new Map<number, Verdict>();
  for (const [c, r] of runs) out.set(c, r.some((p) => p) ? 'pass' : r.length >= 2 ? 'fail' : 'unconfirmed');
  return out;
}

/** The next connection count to run, or null when the search is over. */
export function nextConnections(steps: readonly MaxStep[], p99BoundMs: number, maxConnections: number): number | null {
  const last = steps.at(-1);
  if (last === undefined) return 1;
  const v = verdicts(steps, p99BoundMs);
  if (v.get(last.connections) === 'unconfirmed') return last.connections;
  const failing = [...v].filter(([, x]) => x === 'fail').map(([c]) => c);
  // Once over, the ladder stays over: the confirmed failure or the capped count stays in `steps`.
  const ladderDone = failing.length > 0 || steps.some((s) => s.connections >= maxConnections);
  if (!ladderDone) return Math.min(last.connections * 2, maxConnections);
  const best = bestStep(steps, p99BoundMs);
  if (best === null) return null;
  const above = failing.filter((c) => c > best.connections);
  if (above.length === 0) return null;
  const refinements = [...v.keys()].filter((c) => !isPowerOfTwo(c) && c < maxConnections).length;
  if (refinements >= refineLimit) return null;
  const hi = Math.min(...above);
  // Bisect between the highest passing count below hi and hi.
  const lo = Math.max(...[...v].filter(([c, x]) => c < hi && x === 'pass').map(([c]) => c));
  const mid = Math.round((lo + hi) / 2);
  return mid > lo && mid < hi && !v.has(mid) ? mid : null;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}
