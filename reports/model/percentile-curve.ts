// HdrHistogram's percentile plot: y = latency at percentile p, x = 1/(1-p) on a log axis, so
// 90%, 99%, 99.9% sit at equal distances and the tail gets as much room as the median.
// Curves drawn together share one x grid (uPlot plots series over one x array).
import type { Histogram } from '../../cluster/common/histograms.ts';

const stepsPerHalving = 5;

/** x = 2^(i/5) from 1 (p0) to the first point at or past `countMax` (where data runs out). */
export function percentileGrid(countMax: number): number[] {
  const x: number[] = [];
  for (let i = 0; ; i++) {
    const inv = 2 ** (i / stepsPerHalving);
    x.push(inv);
    if (inv >= Math.max(2, countMax)) return x;
  }
}

/**
 * A histogram's latency (ms) at each grid point. Past 1 - 1/count the histogram has no more
 * resolution: the first such point shows the max, later ones are null (no line drawn).
 */
export function curveOnGrid(h: Histogram, grid: readonly number[]): (number | null)[] {
  const count = h.totalCount;
  let ended = count === 0;
  return grid.map((x) => {
    if (ended) return null;
    if (x >= count) { ended = true; return h.getValueAtPercentile(100) / 1000; }
    return h.getValueAtPercentile(100 * (1 - 1 / x)) / 1000;
  });
}

export interface PercentileRow {
  readonly label: string;
  readonly ms: number;
}

export const tablePercentiles = [50, 90, 99, 99.9, 99.99, 100] as const;

export function percentileRows(h: Histogram): PercentileRow[] {
  if (h.totalCount === 0) return [];
  return tablePercentiles.map((p) => ({ label: p === 100 ? 'max' : `p${p}`, ms: h.getValueAtPercentile(p) / 1000 }));
}
