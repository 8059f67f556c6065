// The result both engines return, and its JSON form for run folders and process boundaries.
import { encodeHistogram, percentileTable } from '../cluster/common/histograms.ts';
import type { Histogram, PercentileTableMs } from '../cluster/common/histograms.ts';
import type { GeneratorHealthReport } from './generator-health.ts';
import type { SeriesRow } from './series.ts';

export interface LoadResult {
  mode: 'open-loop' | 'closed-loop';
  /** Open loop: series seconds and `corrected` count from the intended send time.
   *  Closed loop: there is no schedule, so only service time exists and `corrected` is null. */
  latencyBasis: 'intended-send-time' | 'service-time-only';
  target: string;
  startedAtEpochMs: number;
  /** Wall time from the first intended send to the last completion. */
  elapsedMs: number;
  durationMs: number;
  /** From the first send to the last: at least durationMs, longer when sends fell behind. */
  sendWindowMs: number;
  targetRateRps: number | null;
  connections: number;
  /** Slots on the schedule that came due (open loop); requests that ended (closed loop). */
  scheduled: number;
  /** Requests actually handed to a connection pool (open loop: scheduled − overload). */
  sent: number;
  ok: number;
  errors: Record<string, number>;
  errorSamples: Record<string, string>;
  /** Completion − intended send time, ok requests only. Null for closed-loop runs. */
  corrected: Histogram | null;
  /** Completion − time the request was written to a connection, ok requests only. */
  raw: Histogram;
  series: SeriesRow[];
  health: GeneratorHealthReport;
  aborted: boolean;
}

export interface LoadResultJson extends Omit<LoadResult, 'corrected' | 'raw'> {
  errorsTotal: number;
  achievedRateRps: number;
  corrected: { table: PercentileTableMs; encoded: string } | null;
  raw: { table: PercentileTableMs; encoded: string };
}

export function errorsTotal(r: Pick<LoadResult, 'errors'>): number {
  let n = 0;
  for (const v of Object.values(r.errors)) n += v;
  return n;
}

export function toJson(r: LoadResult): LoadResultJson {
  const { corrected, raw, ...rest } = r;
  return {
    ...rest,
    errorsTotal: errorsTotal(r),
    achievedRateRps: r.sendWindowMs > 0 ? (r.sent / r.sendWindowMs) * 1000 : 0,
    corrected: corrected === null ? null : { table: percentileTable(corrected), encoded: encodeHistogram(corrected) },
    raw: { table: percentileTable(raw), encoded: encodeHistogram(raw) },
  };
}
