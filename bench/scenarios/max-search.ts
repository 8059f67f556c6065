// The search behind `bench max`, apart from any IO so it can be tested: which connection count to
// try next, given the steps so far. Closed loop: more connections raise throughput until the
// cluster saturates, after which they only add queueing (latency). A step passes when its p99 is
// within the bound and at most 0.1% of its requests failed; the answer is the passing step with
// the most ok/s.
//   1. Double from 1 until a step fails or the cap is reached. A dip in throughput does not end
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

/** The next connection count to run, or null when the search is over. */
export function nextConnections(steps: readonly MaxStep[], p99BoundMs: number, maxConnections: number): number | null {
  const tried = new Set(steps.map((s) => s.connections));
  const last = steps.at(-1);
  if (last === undefined) return 1;
  const best = bestStep(steps, p99BoundMs);
  // Once over, the ladder stays over: the failure or the capped step stays in `steps`.
  const ladderDone = steps.some((s) => !passes(s, p99BoundMs) || s.connections >= maxConnections);
  if (!ladderDone) return Math.min(last.connections * 2, maxConnections);
  if (best === null) return null;
  const above = steps.filter((s) => s.connections > best.connections && !passes(s, p99BoundMs)).map((s) => s.connections);
  if (above.length === 0) return null;
  const refinements = steps.filter((s) => !isPowerOfTwo(s.connections) && s.connections < maxConnections).length;
  if (refinements >= refineLimit) return null;
  const hi = Math.min(...above);
  // Bisect between the highest passing count below hi and hi.
  const lo = Math.max(...steps.filter((s) => s.connections < hi && passes(s, p99BoundMs)).map((s) => s.connections));
  const mid = Math.round((lo + hi) / 2);
  return mid > lo && mid < hi && !tried.has(mid) ? mid : null;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}
