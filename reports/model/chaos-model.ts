// The report of a chaos run folder (chaos/runner/run-experiment.ts): run.json, results.json, history.jsonl,
// events.jsonl, histograms.json. The runner stores no per-second series, so the timeline is
// computed here from the history; fault windows and elections come from events.jsonl.
import { grafanaBase, grafanaLinks } from './grafana-links.ts';
import { join } from 'node:path';
import { decodeHistogram, type Histogram } from '../../cluster/common/histograms.ts';
import { pairOperations, parseHistoryJsonl, type HistoryEvent } from '../run-files/history-file.ts';
import { counterexampleSchema, describeOp, formatCounterexample, type Counterexample } from '../run-files/counterexample-format.ts';
import { chaosEventSchema, chaosHistogramsSchema, lostWritesFiguresSchema } from '../run-files/chaos-run-files.ts';
import { CheckerError } from '../run-files/history-error.ts';
import { ms, num, plural } from './format.ts';
import { rawLatencyHistogram, secondSeries, type HistoryOpView } from './history-series.ts';
import { curveOnGrid, percentileGrid, percentileRows } from './percentile-curve.ts';
import { phaseTable, type FaultWindowS } from './phases.ts';
import { exactQuantiles } from './quantiles.ts';
import { malformed, readJsonLines, readRunFile, readTextOrNull, type ChaosRunFiles } from './run-files.ts';
import type { ChartSpec, CheckView, CounterexampleView, MarkSpec, ReportModel, Section, Table, TimelineOp, Verdict } from './report-model.ts';
import { checkViews, configRows, palette } from './shared-views.ts';

function readHistory(dir: string, notes: string[]): HistoryEvent[] {
  const path = join(dir, 'history.jsonl');
  const text = readTextOrNull(path);
  if (text === null) { notes.push('history.jsonl is missing: no timeline, raw latency or phases.'); return []; }
  try {
    return parseHistoryJsonl(text);
  } catch (err) {
    if (err instanceof CheckerError) throw malformed(path, err.message);
    throw err;
  }
}

/** A stored histogram that does not decode is a malformed file, named with its field. */
export function decodeField(path: string, field: string, encoded: string): Histogram {
  try { return decodeHistogram(encoded); } catch (err) { throw malformed(path, `${field} is not an encoded HdrHistogram (${(err as Error).message})`); }
}

/** The timeline, latency curves and phases are about writes: register reads are left out. */
function opViews(events: readonly HistoryEvent[]): HistoryOpView[] {
  const ops = pairOperations(events).filter((op) => op.f !== 'read');
  return ops.map((op) => {
    const done = op.completeIndex === null ? undefined : events[op.completeIndex];
    return { op, reason: done?.value ?? null, completedNs: done?.timeNs ?? null };
  });
}

export function chaosModel(rf: ChaosRunFiles): ReportModel {
  const { run, results } = rf;
  const notes: string[] = [];
  if (results === null) notes.push('results.json is missing: the run did not finish (crashed or still running), so there is no verdict.');
  const originMs = run.historyOriginEpochMs;
  const toS = (epochMs: number) => (epochMs - originMs) / 1000;
  const experiment = run.experiment;

  const events = readJsonLines(rf.dir, 'events.jsonl', chaosEventSchema) ?? [];
  const history = readHistory(rf.dir, notes);
  let views: HistoryOpView[] = [];
  try { views = opViews(history); } catch (err) { notes.push(`history.jsonl does not pair (${(err as Error).message}).`); }

  // Fault windows: inject..heal by fault id; a fault never healed stays open to the end.
  const endS = views.reduce((m, v) => Math.max(m, v.op.callNs / 1e9, Number.isFinite(v.op.returnNs) ? v.op.returnNs / 1e9 : 0), 0);
  const windows: FaultWindowS[] = [];
  const faultEvents = events.filter((e) => e.type === 'fault');
  for (const e of faultEvents) {
    if (e.phase !== 'inject') continue;
    const heal = faultEvents.find((h) => h.phase === 'heal' && h.id === e.id);
    windows.push({ fromS: toS(e.atMs), toS: heal ? toS(heal.atMs) : Math.max(endS, toS(e.atMs)), label: e.describe });
  }
  const marks: MarkSpec[] = events
    .flatMap((e) => (e.type === 'node' && e.kind === 'elected' && toS(e.atMs) >= 0 ? [e] : []))
    .map((e) => ({ x: toS(e.atMs), label: `${e.node ?? '?'} leader, term ${e.term ?? '?'}` }));

  const charts: ChartSpec[] = [];
  const sections: Section[] = [];
  const bands = windows.map((w) => ({ from: w.fromS, to: w.toS, label: w.label }));

  // ---- timeline
  if (views.length > 0) {
    const s = secondSeries(views);
    const x = s.second.map((v) => v + 0.5);
    const kinds = Object.keys(s.errorsByKind).sort();
    charts.push({
      id: 'throughput', kind: 'timeline', title: 'Writes per second', xLabel: 'seconds since the run started', yLabel: 'writes/s', x, bands, marks,
      series: [
        { label: 'ok', values: s.okPerSec, color: palette.ok },
        ...kinds.map((k, i) => ({ label: k, values: s.errorsByKind[k]!, color: palette.errors[i % palette.errors.length]! })),
      ],
    });
    charts.push({
      id: 'latency', kind: 'timeline', title: 'Write latency per second (ok writes, by call second)', xLabel: 'seconds since the run started', yLabel: 'ms', x, bands, marks,
      series: [
        { label: 'p50', values: s.latencyMsP50, color: palette.p50 },
        { label: 'p99', values: s.latencyMsP99, color: palette.p99 },
      ],
    });
    const errorRows = kinds.map((k) => [k, s.errorsByKind[k]!.reduce((a, b) => a + b, 0)] as (string | number)[]);
    sections.push({
      id: 'timeline', title: 'Timeline',
      intro: 'Shaded: a fault was in force (from injection to heal). Vertical lines: a node became leader. Throughput counts writes by the second they completed; latency is call to answer, by the second the write was sent.',
      charts: ['throughput', 'latency'],
      tables: errorRows.length > 0
        ? [{ caption: 'Writes that did not succeed, by kind (fail: certainly not applied; info: outcome unknown)', head: ['kind', 'count'], rows: errorRows, numeric: [1] }]
        : [{ caption: 'Every write the workload sent succeeded.', head: ['kind', 'count'], rows: [] }],
    });
  }

  // ---- latency distribution
  const encoded = readRunFile(rf.dir, 'histograms.json', chaosHistogramsSchema);
  const corrected = encoded === null ? null : decodeField(join(rf.dir, 'histograms.json'), 'writeLatencyMs', encoded.writeLatencyMs);
  const raw = views.length > 0 ? rawLatencyHistogram(views) : null;
  if (corrected || raw) {
    const grid = percentileGrid(Math.max(corrected?.totalCount ?? 0, raw?.totalCount ?? 0));
    charts.push({
      id: 'percentiles', kind: 'percentile', title: 'Write latency by percentile', xLabel: 'percentile', yLabel: 'ms', x: grid, yLog: true,
      series: [
        ...(corrected ? [{ label: 'corrected (from intended send time)', values: curveOnGrid(corrected, grid), color: palette.corrected }] : []),
        ...(raw ? [{ label: 'raw (from the call)', values: curveOnGrid(raw, grid), color: palette.raw }] : []),
      ],
    });
    sections.push({
      id: 'distribution', title: 'Latency distribution',
      intro: 'HdrHistogram percentile plot: the x axis is 1/(1−p), so 90%, 99% and 99.9% are equally far apart. Corrected latency counts from when the write was due under the fixed rate, so a stall also charges the writes it delayed; raw counts from the call.',
      charts: ['percentiles'],
      tables: [percentileTable([['corrected', corrected], ['raw', raw]])],
    });
  }

  // ---- trials: election and unavailability
  const perTrial = results?.perTrial ?? [];
  const elections = perTrial.flatMap((t) => (t.electionMs === null ? [] : [t.electionMs]));
  const unavail = perTrial.flatMap((t) => (t.unavailabilityMs === null ? [] : [t.unavailabilityMs]));
  if (perTrial.length > 0) {
    const bins = binEdges([...elections, ...unavail]);
    charts.push({
      id: 'trials', kind: 'bars', title: 'Election time and unavailability across trials', xLabel: `ms (bars centred on bins ${bins.width} ms wide)`, yLabel: 'trials', x: bins.starts.map((s) => s + bins.width / 2),
      series: [
        { label: 'election', values: bins.count(elections), color: palette.election },
        { label: 'unavailability', values: bins.count(unavail), color: palette.unavailability },
      ],
    });
    const eq = exactQuantiles(elections);
    const uq = exactQuantiles(unavail);
    sections.push({
      id: 'trials', title: 'Trials',
      intro: 'Election: from the fault to the first leader of a newer term. Unavailability: from the fault to the first successful write sent after it (the luckiest client; the latency figures show what the others waited).',
      charts: ['trials'],
      tables: [
        {
          caption: 'Across trials', head: ['measure', 'trials', 'p50', 'p90', 'p99', 'max'], numeric: [1, 2, 3, 4, 5],
          rows: [
            ['election', eq?.count ?? 0, ms(eq?.p50), ms(eq?.p90), ms(eq?.p99), ms(eq?.max)],
            ['unavailability', uq?.count ?? 0, ms(uq?.p50), ms(uq?.p90), ms(uq?.p99), ms(uq?.max)],
          ],
        },
        {
          caption: 'Each trial', head: ['trial', 'fault', 'at', 'election', 'new leader', 'unavailable', 'recovered'], numeric: [0, 2, 3, 5],
          rows: perTrial.map((t) => [t.trial, t.fault ?? 'no fault', t.faultAtMs ? `${toS(t.faultAtMs).toFixed(1)} s` : '–', ms(t.electionMs), t.newLeader ?? '–', ms(t.unavailabilityMs), t.recovered ? `yes, ${ms(t.recoveryMs)}` : `NO (waited ${ms(t.recoveryMs)})`]),
        },
      ],
    });
  }

  // ---- phases
  if (views.length > 0 && windows.length > 0) {
    const rows = phaseTable(views.map(({ op }) => ({ callS: op.callNs / 1e9, ok: op.outcome === 'ok', latencyMs: (op.returnNs - op.callNs) / 1e6 })), windows);
    sections.push({
      id: 'phases', title: 'Latency by phase',
      intro: 'Each write counts in the phase it was sent in: before the first fault, while a fault was in force, or after a heal (until the next fault). Latency is call to answer of ok writes.',
      tables: [{
        head: ['phase', 'writes', 'ok', 'not ok', 'p50', 'p90', 'p99', 'max'], numeric: [1, 2, 3, 4, 5, 6, 7],
        rows: rows.map((r) => [r.phase, r.calls, r.ok, r.notOk, ms(r.latencyMs?.p50), ms(r.latencyMs?.p90), ms(r.latencyMs?.p99), ms(r.latencyMs?.max)]),
      }],
    });
  }

  // ---- checks and counterexamples
  const checks: CheckView[] = checkViews(results?.checks);
  const counterexamples = counterexampleViews(checks, history, originMs);

  // ---- verdict and headline
  const verdict: Verdict = results === null ? 'unknown' : results.verdict;
  const reasons: string[] = results === null ? ['the run left no results.json'] : checks.filter((c) => c.valid !== true).map((c) => `${c.name}: ${c.valid === false ? 'INVALID' : 'unknown'}${c.reason ? ` — ${c.reason}` : ''}`);
  const lostCheck = lostWritesFiguresSchema.safeParse(checks.find((c) => c.name === 'lost-writes')?.details);
  const lost = lostCheck.success ? lostCheck.data : null;
  const trialsDone = results?.trials ?? perTrial.length;
  const planned = results?.trialsPlanned ?? run.trials;
  const parts = [`${experiment}: ${trialsDone === planned ? plural(trialsDone, 'trial') : `${trialsDone} of ${planned} trials`}, ${verdict}.`];
  const p99 = (q: { count: number; p99: number } | undefined): number | null => (q !== undefined && q.count > 0 ? q.p99 : null);
  const electionP99 = p99(results?.electionMs);
  const unavailableP99 = p99(results?.unavailabilityMs);
  const writeP99 = p99(results?.writeLatencyMs);
  if (electionP99 !== null) parts.push(`Election p99 ${ms(electionP99)};`);
  if (unavailableP99 !== null) parts.push(`clients waited p99 ${ms(unavailableP99)} for the first write after a fault;`);
  if (writeP99 !== null) parts.push(`write latency p99 ${ms(writeP99)};`);
  if (lost) parts.push(`${num(lost.lost)} of ${num(lost.acknowledged)} acknowledged writes lost.`);
  const headline = parts.join(' ').replace(/;$/, '.');

  const argvFromRun = run.argv ?? null;
  const reproduce = `npx just chaos ${experiment} --trials ${planned} --seed ${run.seed} --rate ${run.rateRps} --duration ${run.holdMs}ms --concurrency ${run.concurrencyMax}`;
  const config = configRows([
    ['experiment', experiment], ['seed', run.seed], ['trials planned', run.trials], ['rate', run.rateRps !== undefined ? `${run.rateRps} writes/s (open loop)` : undefined],
    ['fault hold', run.holdMs !== undefined ? `${run.holdMs} ms` : undefined], ['concurrency cap', run.concurrencyMax],
    ['command line', argvFromRun ? `just chaos ${argvFromRun.join(' ')}` : undefined],
  ], { runtime: run.runtime, startedAt: run.startedAt }, run.config, run.versions?.node, run.versions?.platform, run.git);

  const w = results?.workload;
  const figures: Record<string, string> = {
    trials: `${trialsDone}${planned !== trialsDone ? `/${planned}` : ''}`,
    'election p99': ms(electionP99),
    'unavailable p99': ms(unavailableP99),
    'write p99': ms(writeP99),
    ...(lost ? { lost: `${lost.lost}/${lost.acknowledged}` } : {}),
  };
  if (w?.skipped !== undefined && w.skipped > 0) notes.push(`${w.skipped} of ${w.invoked + w.skipped} scheduled writes were skipped because ${run.concurrencyMax ?? 'the cap of'} writes were already open: the cluster could not keep up with ${run.rateRps} writes/s.`);

  // The run's range: start to the recorded end, else to its last history event.
  const startMs = Date.parse(run.startedAt);
  const endMs = results?.finishedAt !== undefined ? Date.parse(results.finishedAt) : originMs + endS * 1000;
  const grafana = grafanaLinks(grafanaBase(), 'chaos', rf.id, startMs, Math.max(endMs, startMs));
  return {
    id: rf.id, kind: 'chaos', title: `Chaos: ${experiment}`, startedAt: run.startedAt, verdict, headline, reasons, reproduce,
    config, sections, charts, checks, counterexamples, files: rf.files, notes, figures, grafana,
  };
}

function percentileTable(hs: [string, Histogram | null][]): Table {
  const present = hs.filter((h): h is [string, Histogram] => h[1] !== null && h[1].totalCount > 0);
  const labels = ['count', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max'];
  return {
    caption: 'Write latency percentiles', head: ['basis', ...labels], numeric: [1, 2, 3, 4, 5, 6, 7],
    rows: present.map(([name, h]) => [name, h.totalCount, ...percentileRows(h).map((r) => ms(r.ms))]),
  };
}

/** Up to ~12 equal-width bins with a round width, covering every value. */
export function binEdges(values: readonly number[]): { starts: number[]; width: number; count(v: readonly number[]): number[] } {
  const max = Math.max(1, ...values);
  const raw = max / 12;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const width = [1, 2, 5, 10].map((m) => m * mag).find((w) => w >= raw) ?? 10 * mag;
  const n = Math.floor(max / width) + 1;
  const starts = Array.from({ length: n }, (_, i) => i * width);
  return {
    starts, width,
    count: (vs) => {
      const c = new Array<number>(n).fill(0);
      for (const v of vs) c[Math.min(n - 1, Math.floor(v / width))]!++;
      return c;
    },
  };
}

/** A failed linearizability check's window, drawn per process on the history's time line. */
function counterexampleViews(checks: readonly CheckView[], history: readonly HistoryEvent[], originMs: number): CounterexampleView[] {
  const out: CounterexampleView[] = [];
  for (const c of checks) {
    // Only the linearizability checkers store this shape under `counterexample`; others store their own.
    const parsed = counterexampleSchema.safeParse(c.details.counterexample);
    if (c.valid !== false || !parsed.success) continue;
    const cx: Counterexample = parsed.data;
    const at = (i: number | null) => (i !== null && history[i] ? originMs + history[i]!.timeNs / 1e6 : null);
    const ops: TimelineOp[] = [...cx.prefixTail, ...cx.window].flatMap((op) => {
      const from = at(op.invokeIndex);
      if (from === null) return [];
      return [{ process: op.process, label: describeOp(op).replace(/\s+\[events.*$/, ''), outcome: op.outcome, fromMs: from - originMs, toMs: op.completeIndex === null ? null : (at(op.completeIndex) ?? from) - originMs, blocking: op.id === cx.blocking.id }];
    });
    const text = formatCounterexample(cx);
    out.push({ checker: c.name, text, ops });
  }
  return out;
}
