// Two runs side by side: their latency percentile curves overlaid on the HdrHistogram axis and
// a table of B/A ratios. Chaos runs compare write latency (corrected), election and
// unavailability; bench runs compare their measured steps' merged latency and throughput.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { mergeHistograms, type Histogram } from '../cluster/common/histograms.ts';
import { ReportError } from './errors.ts';
import { esc, href } from './html/escape.ts';
import { pageShell } from './html/report-page.ts';
import { tableHtml } from './html/table.ts';
import { measuredSteps, readBenchSteps } from './model/bench-model.ts';
import { decodeField } from './model/chaos-model.ts';
import { ms, num } from './model/format.ts';
import { curveOnGrid, percentileGrid } from './model/percentile-curve.ts';
import { openRun, readRunFile, type RunFiles } from './model/run-files.ts';
import { chaosHistogramsSchema } from './run-files/chaos-run-files.ts';
import type { ChartSpec, Table } from './model/report-model.ts';
import { palette } from './model/shared-views.ts';

interface Side {
  readonly rf: RunFiles;
  readonly label: string;
  /** The headline latency histogram (corrected when the run had a schedule). */
  readonly latency: Histogram | null;
  readonly raw: Histogram | null;
  readonly throughputPerSec: number | null;
  readonly errors: number | null;
  readonly extra: Record<string, number | null>;
}

function side(dir: string): Side {
  const rf = openRun(resolve(dir));
  if (rf.kind === 'chaos') {
    const h = readRunFile(rf.dir, 'histograms.json', chaosHistogramsSchema);
    const r = rf.results;
    return {
      rf, label: `${rf.run.experiment} (${rf.id})`, latency: h === null ? null : decodeField(join(rf.dir, 'histograms.json'), 'writeLatencyMs', h.writeLatencyMs), raw: null,
      throughputPerSec: null, errors: r ? r.workload.fail + r.workload.info : null,
      extra: { 'election p50': r?.electionMs.count ? r.electionMs.p50 : null, 'election p99': r?.electionMs.count ? r.electionMs.p99 : null, 'unavailability p99': r?.unavailabilityMs.count ? r.unavailabilityMs.p99 : null },
    };
  }
  if (rf.kind === 'bench') {
    const steps = measuredSteps(rf, readBenchSteps(rf));
    const corrected = steps.length > 0 && steps.every((s) => s.corrected) ? mergeHistograms(steps.map((s) => s.corrected!)) : null;
    const raws = steps.filter((s) => s.raw);
    const raw = raws.length > 0 ? mergeHistograms(raws.map((s) => s.raw!)) : null;
    return {
      rf, label: `${rf.run.scenario} (${rf.id})`, latency: corrected ?? raw, raw: corrected ? raw : null,
      throughputPerSec: rf.results?.okPerSec ?? null, errors: rf.results?.errors ?? null, extra: {},
    };
  }
  throw new ReportError('USAGE', `${dir} is neither a chaos nor a bench run; nothing to compare`);
}

function ratio(a: number | null, b: number | null): string {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || a === 0) return '–';
  return `${(b / a).toFixed(2)}×`;
}

/** Writes compare/<A>--<B>.html beside run A's folder and returns its path. */
export function renderComparison(dirA: string, dirB: string): string {
  const a = side(dirA);
  const b = side(dirB);
  const percentiles = [50, 90, 99, 99.9, 100] as const;
  const at = (h: Histogram | null, p: number) => (h && h.totalCount > 0 ? h.getValueAtPercentile(p) / 1000 : null);
  const rows: Table['rows'] = percentiles.map((p) => {
    const va = at(a.latency, p);
    const vb = at(b.latency, p);
    return [`latency ${p === 100 ? 'max' : `p${p}`}`, ms(va), ms(vb), ratio(va, vb)];
  });
  if (a.throughputPerSec !== null || b.throughputPerSec !== null) rows.push(['ok/s', num(a.throughputPerSec, 1), num(b.throughputPerSec, 1), ratio(a.throughputPerSec, b.throughputPerSec)]);
  rows.push(['errors', num(a.errors), num(b.errors), ratio(a.errors, b.errors)]);
  for (const k of new Set([...Object.keys(a.extra), ...Object.keys(b.extra)])) rows.push([k, ms(a.extra[k]), ms(b.extra[k]), ratio(a.extra[k] ?? null, b.extra[k] ?? null)]);

  const grid = percentileGrid(Math.max(a.latency?.totalCount ?? 0, b.latency?.totalCount ?? 0, a.raw?.totalCount ?? 0, b.raw?.totalCount ?? 0));
  const series: ChartSpec['series'] = [];
  if (a.latency) series.push({ label: `A ${a.raw ? 'corrected' : 'latency'}`, values: curveOnGrid(a.latency, grid), color: palette.runs[0] });
  if (b.latency) series.push({ label: `B ${b.raw ? 'corrected' : 'latency'}`, values: curveOnGrid(b.latency, grid), color: palette.runs[1] });
  if (a.raw) series.push({ label: 'A raw', values: curveOnGrid(a.raw, grid), color: palette.runs[0], dash: true });
  if (b.raw) series.push({ label: 'B raw', values: curveOnGrid(b.raw, grid), color: palette.runs[1], dash: true });
  const chart: ChartSpec = { id: 'cmp-percentiles', kind: 'percentile', title: 'Latency by percentile, A and B', xLabel: 'percentile', yLabel: 'ms', x: grid, yLog: true, series };

  const outDir = join(dirname(a.rf.dir), 'compare');
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `${a.rf.id}--${b.rf.id}.html`);
  const link = (s: Side) => `${href(relative(outDir, s.rf.dir))}/index.html`;
  const body = [
    `<p class="meta"><a href="../index.html">← all runs</a></p>`,
    '<h1>Comparison</h1>',
    `<p>A: <a href="${link(a)}">${esc(a.label)}</a><br>B: <a href="${link(b)}">${esc(b.label)}</a></p>`,
    `<div class="headline" id="headline">${esc(headline(a, b))}</div>`,
    '<h2>Latency percentiles</h2><p class="intro">Both runs on HdrHistogram\'s percentile axis (x = 1/(1−p)). Ratios are B/A: above 1× B is slower (or, for ok/s, faster).</p>',
    `<div class="chart" id="chart-${chart.id}"></div>`,
    tableHtml({ head: ['measure', 'A', 'B', 'B/A'], rows, numeric: [1, 2, 3] }),
  ].join('\n');
  writeFileSync(path, pageShell(`Compare ${basename(a.rf.dir)} and ${basename(b.rf.dir)}`, body, { charts: [chart] }));
  return path;
}

function headline(a: Side, b: Side): string {
  const pa = a.latency && a.latency.totalCount > 0 ? a.latency.getValueAtPercentile(99) / 1000 : null;
  const pb = b.latency && b.latency.totalCount > 0 ? b.latency.getValueAtPercentile(99) / 1000 : null;
  if (pa === null || pb === null) return 'One of the runs has no latency histogram to compare.';
  return `p99 latency ${ms(pa)} (A) vs ${ms(pb)} (B): B is ${ratio(pa, pb)} of A.`;
}
