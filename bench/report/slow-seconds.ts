// The seconds of a run with the worst p99, in time order: a stall that recurs (a snapshot every
// N entries, a GC, a neighbour's cron) shows as evenly spaced seconds, which a single p99 hides.
import type { SeriesRow } from '../series.ts';

export function slowSeconds(rows: readonly SeriesRow[], count = 5): SeriesRow[] {
  return rows.filter((r) => r.latencyMsP99 !== null)
    .sort((a, b) => b.latencyMsP99! - a.latencyMsP99!)
    .slice(0, count)
    .sort((a, b) => a.second - b.second);
}

/** One line, or null for runs too short to have a pattern. */
export function formatSlowSeconds(rows: readonly SeriesRow[], count = 5): string | null {
  if (rows.length < 10) return null;
  const slow = slowSeconds(rows, count);
  return `  slowest s  ${slow.map((r) => `${r.second}: p99 ${r.latencyMsP99!.toFixed(1)} ms`).join(', ')}`;
}
