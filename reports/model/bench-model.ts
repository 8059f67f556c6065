// The report of a bench run folder (bench/cli.ts): run.json, results.json (RunSummary + details
// + SLO verdicts) and one <step>.json per load step (LoadResultJson: per-second series and the
// encoded corrected/raw histograms). Histograms of several steps are merged, never averaged.
import { grafanaBase, grafanaLinks } from './grafana-links.ts';
import { join } from 'node:path';
import { decodeHistogram, mergeHistograms, type Histogram } from '../../cluster/common/histograms.ts';
import { ms, num, pct } from './format.ts';
import { curveOnGrid, percentileGrid, percentileRows } from './percentile-curve.ts';
import { benchStepSchema, type BenchResultsFile, type BenchStepFile } from '../run-files/bench-run-files.ts';
import { malformed, readRunFile, type BenchRunFiles } from './run-files.ts';
import type { BandSpec, ChartSpec, ReportModel, Section, Table, Verdict } from './report-model.ts';
import { configRows, palette } from './shared-views.ts';

export interface BenchStep {
  readonly name: string;
  readonly startedAtEpochMs: number;
  readonly series: { second: number; sent: number; ok: number; errors: number; latencyMsP50: number | null; latencyMsP99: number | null }[];
  readonly corrected: Histogram | null;
  readonly raw: Histogram | null;
  readonly json: BenchStepFile;
}

function decode(path: string, field: string, part: { encoded: string } | null): Histogram | null {
  if (part === null) return null;
  try { return decodeHistogram(part.encoded); } catch (err) { throw malformed(path, `${field}.encoded is not an encoded HdrHistogram (${(err as Error).message})`); }
}

/**
 * Every load step, in the order the steps ran: a <step>.json beside its <step>-raw.hgrm
 * (bench/run-output.ts writes both; other JSON files, e.g. <step>-cluster.json, are not steps).
 * A step from before per-second series has no place on the timeline and is left out.
 */
export function readBenchSteps(rf: BenchRunFiles): BenchStep[] {
  const steps: BenchStep[] = [];
  for (const f of rf.files) {
    if (!f.endsWith('-raw.hgrm')) continue;
    const name = f.replace(/-raw\.hgrm$/, '');
    const j = readRunFile(rf.dir, `${name}.json`, benchStepSchema);
    if (j === null || j.series === undefined || j.startedAtEpochMs === undefined) continue;
    const path = join(rf.dir, `${name}.json`);
    steps.push({ name, startedAtEpochMs: j.startedAtEpochMs, series: j.series, corrected: decode(path, 'corrected', j.corrected), raw: decode(path, 'raw', j.raw), json: j });
  }
  return steps.sort((a, b) => a.startedAtEpochMs - b.startedAtEpochMs);
}

/** The measured steps' names, as results.details.steps gives them (`max` stores objects naming their step). */
function measuredNames(results: BenchResultsFile | null): string[] {
  return (results?.details?.steps ?? []).map((s) => (typeof s === 'string' ? s : s.step));
}

/** The steps the headline is about: results.details.steps when given, else all but warm-up. */
export function measuredSteps(rf: BenchRunFiles, steps: readonly BenchStep[]): BenchStep[] {
  const named = measuredNames(rf.results);
  if (named.length > 0) return steps.filter((s) => named.includes(s.name));
  return steps.filter((s) => s.name !== 'warmup');
}

export function benchModel(rf: BenchRunFiles): ReportModel {
  const { run, results: r } = rf;
  const notes: string[] = [];
  const scenario = run.scenario;
  if (r === null) notes.push('results.json is missing: the run did not finish, so there is no summary.');
  const steps = readBenchSteps(rf);
  const measured = measuredSteps(rf, steps);
  const charts: ChartSpec[] = [];
  const sections: Section[] = [];

  // ---- timeline over every step, steps as labelled bands
  if (steps.length > 0) {
    const t0 = steps[0]!.startedAtEpochMs;
    const x: number[] = [];
    const ok: (number | null)[] = [];
    const errors: (number | null)[] = [];
    const sent: (number | null)[] = [];
    const p50: (number | null)[] = [];
    const p99: (number | null)[] = [];
    const bands: BandSpec[] = [];
    for (const s of steps) {
      const off = (s.startedAtEpochMs - t0) / 1000;
      // A null point between steps so no line is drawn across the pause between them.
      if (x.length > 0) { x.push((x.at(-1)! + off) / 2); ok.push(null); errors.push(null); sent.push(null); p50.push(null); p99.push(null); }
      for (const row of s.series) {
        x.push(off + row.second + 0.5); ok.push(row.ok); errors.push(row.errors); sent.push(row.sent);
        p50.push(row.latencyMsP50); p99.push(row.latencyMsP99);
      }
      if (s.series.length > 0) bands.push({ from: off, to: off + s.series.length, label: s.name });
    }
    charts.push({
      id: 'throughput', kind: 'timeline', title: 'Requests per second', xLabel: 'seconds since the first step', yLabel: 'requests/s', x, bands,
      series: [
        { label: 'sent', values: sent, color: '#868e96', dash: true },
        { label: 'ok', values: ok, color: palette.ok },
        { label: 'errors', values: errors, color: palette.errors[0] },
      ],
    });
    charts.push({
      id: 'latency', kind: 'timeline', title: `Latency per second (${r?.mode === 'closed-loop' ? 'service time' : 'from the intended send time'})`, xLabel: 'seconds since the first step', yLabel: 'ms', x, bands,
      series: [
        { label: 'p50', values: p50, color: palette.p50 },
        { label: 'p99', values: p99, color: palette.p99 },
      ],
    });
    const kinds = Object.entries(r?.errorsByKind ?? {});
    sections.push({
      id: 'timeline', title: 'Timeline',
      intro: 'Each shaded band is one load step (warm-up steps are left out of the headline figures). A request counts in the second it was due to be sent (open loop) or was sent (closed loop).',
      charts: ['throughput', 'latency'],
      tables: [{
        caption: kinds.length > 0 ? 'Errors by kind (with a sample message)' : 'No request failed.', head: ['kind', 'count', 'sample'], numeric: [1],
        rows: kinds.map(([k, n]) => [k, n, String(r?.errorSamples?.[k] ?? '')]),
      }],
    });
  } else {
    notes.push('No load step files (<step>.json) in this folder: no timeline.');
  }

  // ---- distribution of the measured steps
  const corrected = measured.every((s) => s.corrected) && measured.length > 0 ? mergeHistograms(measured.map((s) => s.corrected!)) : null;
  const rawParts = measured.filter((s) => s.raw);
  const raw = rawParts.length > 0 ? mergeHistograms(rawParts.map((s) => s.raw!)) : null;
  if (corrected || raw) {
    const grid = percentileGrid(Math.max(corrected?.totalCount ?? 0, raw?.totalCount ?? 0));
    charts.push({
      id: 'percentiles', kind: 'percentile', title: 'Latency by percentile (measured steps merged)', xLabel: 'percentile', yLabel: 'ms', x: grid, yLog: true,
      series: [
        ...(corrected ? [{ label: 'corrected (from intended send time)', values: curveOnGrid(corrected, grid), color: palette.corrected }] : []),
        ...(raw ? [{ label: 'raw (service time)', values: curveOnGrid(raw, grid), color: palette.raw }] : []),
      ],
    });
    const rows: Table['rows'] = [];
    for (const [name, h] of [['corrected', corrected], ['raw', raw]] as const) if (h && h.totalCount > 0) rows.push([name, h.totalCount, ...percentileRows(h).map((p) => ms(p.ms))]);
    sections.push({
      id: 'distribution', title: 'Latency distribution',
      intro: 'HdrHistogram percentile plot: the x axis is 1/(1−p), so 90%, 99% and 99.9% are equally far apart. Corrected latency counts from when each request was due (a stalled server also charges the requests it delayed); raw is service time.',
      charts: ['percentiles'],
      tables: [
        { caption: 'Percentiles', head: ['basis', 'count', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max'], numeric: [1, 2, 3, 4, 5, 6, 7], rows },
        {
          caption: 'Per step', head: ['step', 'mode', 'target rate', 'ok', 'errors', 'ok/s', 'p50', 'p99', 'max'], numeric: [2, 3, 4, 5, 6, 7, 8],
          rows: steps.map((s) => {
            const h = s.corrected ?? s.raw;
            const t = h ? percentileRows(h) : [];
            const pick = (label: string) => ms(t.find((p) => p.label === label)?.ms);
            const wallMs = Math.max(s.json.elapsedMs ?? 0, s.json.durationMs ?? 0);
            const ok = s.json.ok ?? 0;
            return [s.name, s.json.mode, s.json.targetRateRps ? `${s.json.targetRateRps}/s` : '–', ok, s.json.errorsTotal, wallMs > 0 ? num((ok * 1000) / wallMs, 1) : '–', pick('p50'), pick('p99'), pick('max')];
          }),
        },
      ],
    });
  }

  // ---- alternated references (bench <N>rps --alternate)
  const alt = r?.details?.alternation;
  if (alt?.medians?.cluster) {
    const m = alt.medians;
    const c = m.cluster!;
    const ratio = (a: number | undefined, b: number | undefined): string => (a !== undefined && b !== undefined && b > 0 ? `${num(a / b, 2)}×` : '–');
    const figureRow = (label: string, f: Record<string, number>): Table['rows'][number] =>
      [label, ms(f.p50), ms(f.p90), ms(f.p99), ms(f.p999), ms(f.max), num(f.okPerSec, 1), num(f.errors)];
    sections.push({
      id: 'alternation', title: 'Alternated with references',
      intro: 'The cluster and each reference ran in turn, round after round, on the same machine (bench/README.md). Only such runs compare: the machine\'s speed drifts between runs taken apart. The figures above are the cluster\'s rounds only.',
      tables: [
        {
          caption: `Medians over ${alt.completeRounds ?? '?'} rounds (ms; corrected latency when the runs had a schedule, else service time)`, head: ['arm', 'p50', 'p90', 'p99', 'p99.9', 'max', 'ok/s', 'errors'], numeric: [1, 2, 3, 4, 5, 6, 7],
          rows: [
            ...Object.entries(m).map(([arm, f]) => figureRow(arm, f)),
            ...Object.entries(m).filter(([arm]) => arm !== 'cluster').map(([arm, f]) => [`cluster / ${arm}`, ratio(c.p50, f.p50), ratio(c.p90, f.p90), ratio(c.p99, f.p99), ratio(c.p999, f.p999), ratio(c.max, f.max), ratio(c.okPerSec, f.okPerSec), ''] as Table['rows'][number]),
          ],
        },
        {
          caption: 'Each round', head: ['round', 'arm', 'p50', 'p90', 'p99', 'p99.9', 'max', 'ok/s', 'errors'], numeric: [2, 3, 4, 5, 6, 7, 8],
          rows: Object.entries(alt.perRound ?? {}).flatMap(([arm, rounds]) => rounds.map((f, i) => [String(i + 1), ...figureRow(arm, f)] as Table['rows'][number]))
            .sort((a, b) => Number(a[0]) - Number(b[0])),
        },
      ],
    });
  }

  // ---- SLO and generator health
  const slo = r?.slo ?? [];
  const gen = r?.generator;
  if (slo.length > 0 || gen) {
    sections.push({
      id: 'gates', title: 'SLO gate and load generator',
      intro: 'A run is only as good as its load generator: when it fell behind its own schedule, its delay is inside the latency figures above.',
      tables: [
        ...(slo.length > 0 ? [{ caption: 'SLO rules (--slo)', head: ['rule', 'actual', 'result'], rows: slo.map((v) => [v.rule, num(v.actual, 3), v.passed ? 'passed' : 'FAILED']) }] : []),
        ...(gen ? [{
          caption: 'Load generator', head: ['measure', 'value'],
          rows: [
            ['CPU (% of one core)', num(gen.cpuPercent, 0)],
            ['send lag p99 / max', gen.lagMs ? `${ms(gen.lagMs.p99)} / ${ms(gen.lagMs.max)}` : 'closed loop (no schedule)'],
            ['event-loop delay p99', ms(gen.eventLoopDelayMsP99)],
            ['bottleneck', gen.bottleneck ? 'YES' : 'no'],
            ...(gen.warnings ?? []).map((w) => ['warning', w]),
          ] as Table['rows'],
        }] : []),
      ],
    });
  }

  // ---- verdict and headline
  const verdict: Verdict = r === null ? 'unknown' : slo.length === 0 ? 'none' : slo.every((v) => v.passed) ? 'passed' : 'failed';
  const reasons: string[] = [];
  for (const v of slo) if (!v.passed) reasons.push(`SLO ${v.rule} failed: actual ${num(v.actual, 3)}`);
  if (r?.aborted) reasons.push('the run was interrupted (Ctrl-C) before its end');
  if (gen?.bottleneck) reasons.push('the load generator was itself a bottleneck: latency includes its own delay');
  const lat = r?.latencyMs.corrected ?? r?.latencyMs.raw;
  const basis = r?.latencyMs.corrected ? 'corrected' : 'service time';
  const headline = r === null ? `bench ${scenario}: no results (the run did not finish).` : [
    `bench ${scenario}: ${num(r.ok)} ok of ${num(r.requests)} requests, ${num(r.okPerSec, 1)} ok/s${r.targetRateRps ? ` of ${r.targetRateRps}/s asked` : ''};`,
    `${num(r.errors)} errors (${pct(r.errorRate)});`,
    lat ? `latency p50 ${ms(lat.p50)}, p99 ${ms(lat.p99)}, max ${ms(lat.max)} (${basis})${r.latencyMs.corrected ? `, raw p99 ${ms(r.latencyMs.raw.p99)}` : ''}.` : '',
    slo.length > 0 ? `SLO ${verdict}.` : 'No SLO gate was set.',
  ].join(' ');

  const o = run.options ?? {};
  const config = configRows([
    ['scenario', scenario], ['mode', r?.mode], ['target', run.target],
    ['rate', o.rateRps !== undefined ? `${o.rateRps} requests/s` : undefined], ['connections', o.connections],
    ['duration', o.durationMs !== undefined ? `${o.durationMs} ms` : undefined], ['warm-up', o.warmupMs !== undefined ? `${o.warmupMs} ms` : undefined],
    ['workload', o.workload], ['request timeout', o.timeoutMs !== undefined ? `${o.timeoutMs} ms` : undefined],
    ['cluster', run.cluster?.origin ? `${run.cluster.origin} (${run.cluster.gatewayUrl ?? ''})` : undefined],
    ['cpu', run.environment ? `${run.environment.cpuModel ?? 'unknown'} × ${run.environment.cpuCount}` : undefined],
    ['load average at start / end', run.environment ? `${num(run.environment.loadAverage1m, 2)} / ${num(run.loadAverage1mAtEnd, 2)}` : undefined],
  ], { runtime: run.runtime, startedAt: run.startedAt }, run.cluster?.config, run.environment?.node, run.environment?.platform, run.environment?.git);

  const figures: Record<string, string> = r === null ? {} : {
    'ok/s': num(r.okPerSec, 1), errors: `${num(r.errors)} (${pct(r.errorRate)})`,
    p50: ms(lat?.p50), p99: ms(lat?.p99), max: ms(lat?.max),
  };
  return {
    id: rf.id, kind: 'bench', title: `Bench: ${scenario}`, startedAt: run.startedAt, verdict, headline, reasons,
    reproduce: run.argv ? `npx just bench ${run.argv.join(' ')}` : null,
    config, sections, charts, checks: [], counterexamples: [], files: rf.files, notes, figures,
    grafana: grafanaLinks(grafanaBase(), 'bench', rf.id, Date.parse(run.startedAt), run.endedAt !== undefined ? Date.parse(run.endedAt) : benchEndMs(steps)),
  };
}

/** The end of the last step: its start plus the seconds its series covers. */
function benchEndMs(steps: readonly { startedAtEpochMs: number; series: readonly unknown[] }[]): number {
  const last = steps.at(-1);
  return last ? last.startedAtEpochMs + last.series.length * 1000 : NaN;
}
