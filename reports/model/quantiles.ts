// Exact percentiles of a small list of measurements (per-trial election times, per-phase
// latencies of a few hundred ops): nearest rank, as HdrHistogram reports, without bucketing.
export interface ExactQuantiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function exactQuantiles(values: readonly number[]): ExactQuantiles | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, p50: nearestRank(s, 50), p90: nearestRank(s, 90), p99: nearestRank(s, 99), max: s[s.length - 1]! };
}
