// Latency histograms for the load engine. One convention everywhere: values are recorded as
// integer microseconds (1 µs .. 60 s, 3 significant digits) and reported in milliseconds.
// Histograms cross process boundaries only in HdrHistogram's compressed base64 form, and are
// merged in the parent (never averaged).
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export type { Histogram };

export const LOWEST_US = 1;
export const HIGHEST_US = 60_000_000;
export const SIGNIFICANT_DIGITS = 3;
const US_PER_MS = 1000;

export class HistogramDecodeError extends Error {
  readonly code = 'BENCH_HISTOGRAM_DECODE';
  constructor(detail: string) {
    super(`cannot decode histogram: ${detail}`);
    this.name = 'HistogramDecodeError';
  }
}

/** 'packed' costs a little CPU per record but keeps the many short-lived per-second histograms small. */
export function createLatencyHistogram(bitBucketSize: 32 | 'packed' = 32): Histogram {
  return hdr.build({
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    bitBucketSize,
    autoResize: false,
  });
}

/** Records a duration given in ms. Values past the range are clamped rather than thrown, so one
 *  absurd value (a suspended laptop) cannot end a run; the clamp shows as max = 60 s. */
export function recordMs(h: Histogram, durationMs: number): void {
  const us = Math.round(durationMs * US_PER_MS);
  h.recordValue(us < 0 ? 0 : us > HIGHEST_US ? HIGHEST_US : us);
}

export interface PercentileTableMs {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  p9999Ms: number;
  maxMs: number;
}

const toMs = (us: number): number => us / US_PER_MS;

export function percentileTable(h: Histogram): PercentileTableMs {
  const empty = h.totalCount === 0;
  return {
    count: h.totalCount,
    meanMs: empty ? 0 : toMs(h.mean),
    p50Ms: toMs(h.getValueAtPercentile(50)),
    p90Ms: toMs(h.getValueAtPercentile(90)),
    p99Ms: toMs(h.getValueAtPercentile(99)),
    p999Ms: toMs(h.getValueAtPercentile(99.9)),
    p9999Ms: toMs(h.getValueAtPercentile(99.99)),
    // The 100th percentile (max's bucket, reported high) rather than maxValue, which is exact
    // only until the histogram is encoded; this keeps max >= p99.99 and equal across a round trip.
    maxMs: empty ? 0 : toMs(h.getValueAtPercentile(100)),
  };
}

/** HdrHistogram's own percentile-distribution text (.hgrm), values in ms; readable by the
 *  HdrHistogram plotter. Delegates to the library so the format is the reference one. */
export function toHgrm(h: Histogram, ticksPerHalfDistance = 5): string {
  return h.outputPercentileDistribution(ticksPerHalfDistance, US_PER_MS);
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(base64: string): Histogram {
  try {
    return hdr.decodeFromCompressedBase64(base64, 32, false);
  } catch (err) {
    throw new HistogramDecodeError(err instanceof Error ? err.message : String(err));
  }
}

/** A fresh histogram holding the sum of all inputs; inputs are left untouched. */
export function mergeHistograms(parts: Iterable<Histogram>): Histogram {
  const total = createLatencyHistogram();
  for (const p of parts) total.add(p);
  return total;
}
