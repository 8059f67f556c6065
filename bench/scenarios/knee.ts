// The knee of a throughput/latency curve from a rate ladder, apart from any IO.
// A step is sustained when the cluster delivered what was asked (ok/s >= 95% of the rate, errors
// < 1%). The knee is the highest rate of the unbroken run of sustained steps from the bottom
// whose corrected p99 is still near the first step's: at most kneeFactor times it (or +2 ms, so
// sub-millisecond noise at light load does not end the curve at once), and within --p99-ms if given.
// Past the knee, latency climbs faster than throughput: the rate a capacity plan should stay under.
export interface CurvePoint {
  rateRps: number;
  okPerSec: number;
  errorRate: number;
  p99Ms: number;
}

export const sustainedShare = 0.95;
export const sustainedMaxErrorRate = 0.01;
export const kneeFactor = 3;
const kneeFloorMs = 2;

export function sustained(p: CurvePoint): boolean {
  return p.okPerSec >= p.rateRps * sustainedShare && p.errorRate < sustainedMaxErrorRate;
}

export function findKnee(points: readonly CurvePoint[], p99BoundMs: number | null): CurvePoint | null {
  const first = points[0];
  if (first === undefined || !sustained(first)) return null;
  const limitMs = Math.min(p99BoundMs ?? Number.POSITIVE_INFINITY, Math.max(first.p99Ms * kneeFactor, first.p99Ms + kneeFloorMs));
  let knee: CurvePoint | null = null;
  for (const p of points) {
    if (!sustained(p) || p.p99Ms > limitMs) break;
    knee = p;
  }
  return knee;
}

/** The ladder stops one step past saturation: higher rates only pile up queues and timeouts. */
export function saturatedStep(p: CurvePoint): boolean {
  return !sustained(p) || p.p99Ms > 1000;
}
