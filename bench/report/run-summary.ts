// The headline of a run, as stored in results.json and read back by compare and the SLO gate.
// Latency figures come from HDR histograms (merged, never averaged); `corrected` counts from the
// intended send time and exists only for open-loop runs, `raw` is service time.
import { mergeHistograms, percentileTable } from '../../cluster/common/histograms.ts';
import type { Histogram } from '../../cluster/common/histograms.ts';
import { errorsTotal } from '../load-result.ts';
import type { LoadResult } from '../load-result.ts';

export interface LatencySummaryMs {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface GeneratorSummary {
  /** Percent of one core over the run's wall time. */
  cpuPercent: number;
  /** Actual − intended send time; null for closed-loop runs, which have no schedule. */
  lagMs: { p50: number; p99: number; max: number } | null;
  eventLoopDelayMsP99: number;
  bottleneck: boolean;
  warnings: string[];
}

export interface RunSummary {
  mode: LoadResult['mode'];
  /** Requests that ended (ok + errors). */
  requests: number;
  ok: number;
  okPerSec: number;
  errors: number;
  /** errors / requests; 0 for a run without requests. */
  errorRate: number;
  errorsByKind: Record<string, number>;
  errorSamples: Record<string, string>;
  targetRateRps: number | null;
  connections: number;
  elapsedMs: number;
  latencyMs: { corrected: LatencySummaryMs | null; raw: LatencySummaryMs };
  generator: GeneratorSummary;
}

export function latencySummary(h: Histogram): LatencySummaryMs {
  const t = percentileTable(h);
  return { count: t.count, p50: t.p50Ms, p90: t.p90Ms, p99: t.p99Ms, p999: t.p999Ms, max: t.maxMs };
}

/** The latency a gate or a comparison should read: corrected when the run had a schedule. */
export function headlineLatency(s: Pick<RunSummary, 'latencyMs'>): LatencySummaryMs {
  return s.latencyMs.corrected ?? s.latencyMs.raw;
}

/**
 * One summary over one or more consecutive load results of the same mode (the stages of a ramp).
 * Histograms are merged; throughput is over the summed wall time; generator CPU is weighted by
 * wall time, and schedule lag takes the worst stage's p99 and max (per-stage lag histograms are
 * not kept), so a merged lag figure can only overstate the generator's delay.
 */
export function summarize(results: readonly LoadResult[]): RunSummary {
  const first = results[0];
  if (first === undefined) throw new Error('summarize: no results');
  let ok = 0;
  let wallMs = 0;
  let cpuWeighted = 0;
  let healthWallMs = 0;
  const errorsByKind: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  for (const r of results) {
    ok += r.ok;
    wallMs += Math.max(r.elapsedMs, r.durationMs);
    cpuWeighted += r.health.cpuPercent * r.health.wallMs;
    healthWallMs += r.health.wallMs;
    for (const [kind, n] of Object.entries(r.errors)) errorsByKind[kind] = (errorsByKind[kind] ?? 0) + n;
    for (const [kind, msg] of Object.entries(r.errorSamples)) errorSamples[kind] ??= msg;
  }
  const errors = results.reduce((n, r) => n + errorsTotal(r), 0);
  const requests = ok + errors;
  const corrected = results.every((r) => r.corrected !== null)
    ? latencySummary(mergeHistograms(results.map((r) => r.corrected!)))
    : null;
  const lags = results.map((r) => r.health.scheduleLag).filter((l) => l !== null);
  const warnings = [...new Set(results.flatMap((r) => r.health.warnings))];
  const rates = new Set(results.map((r) => r.targetRateRps));
  return {
    mode: first.mode,
    requests,
    ok,
    okPerSec: wallMs > 0 ? (ok * 1000) / wallMs : 0,
    errors,
    errorRate: requests > 0 ? errors / requests : 0,
    errorsByKind,
    errorSamples,
    targetRateRps: rates.size === 1 ? first.targetRateRps : null,
    connections: Math.max(...results.map((r) => r.connections)),
    elapsedMs: wallMs,
    latencyMs: { corrected, raw: latencySummary(mergeHistograms(results.map((r) => r.raw))) },
    generator: {
      cpuPercent: healthWallMs > 0 ? cpuWeighted / healthWallMs : 0,
      lagMs: lags.length === 0 ? null : {
        p50: Math.max(...lags.map((l) => l.p50Ms)),
        p99: Math.max(...lags.map((l) => l.p99Ms)),
        max: Math.max(...lags.map((l) => l.maxMs)),
      },
      eventLoopDelayMsP99: Math.max(...results.map((r) => r.health.eventLoopDelay.p99Ms)),
      bottleneck: results.some((r) => r.health.bottleneck),
      warnings,
    },
  };
}

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export function formatLatency(l: LatencySummaryMs): string {
  return `p50 ${fmt(l.p50)}  p90 ${fmt(l.p90)}  p99 ${fmt(l.p99)}  p99.9 ${fmt(l.p999)}  max ${fmt(l.max)} ms`;
}

/** A few lines for the terminal; warnings about the generator come last so they are seen. */
export function formatSummary(s: RunSummary): string[] {
  const lines = [
    `  ok ${s.ok}/${s.requests} (${s.okPerSec.toFixed(1)}/s${s.targetRateRps !== null ? ` of ${s.targetRateRps}/s asked` : ''}), ` +
      `errors ${s.errors}${s.errors > 0 ? ` (${(s.errorRate * 100).toFixed(2)}%: ${Object.entries(s.errorsByKind).map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`,
  ];
  if (s.latencyMs.corrected !== null) lines.push(`  corrected  ${formatLatency(s.latencyMs.corrected)}`);
  lines.push(`  raw        ${formatLatency(s.latencyMs.raw)}`);
  const lag = s.generator.lagMs;
  lines.push(`  generator  cpu ${s.generator.cpuPercent.toFixed(0)}% of a core${lag !== null ? `, send lag p99 ${fmt(lag.p99)} ms (max ${fmt(lag.max)})` : ''}, event-loop delay p99 ${fmt(s.generator.eventLoopDelayMsP99)} ms`);
  for (const w of s.generator.warnings) lines.push(`  WARNING: ${w}`);
  return lines;
}
