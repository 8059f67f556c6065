// just bench compare <runA> <runB>: the headline figures of two run folders side by side, the
// ratio B/A, and a flag on each figure that got worse by more than the threshold (default 10%).
// Throughput is better higher; error rate and latency better lower. Latency compares corrected
// with corrected when both runs have it, and raw with raw always. Differences in how the runs were
// made (scenario, fsync, machine, commit, machine load) are printed first: a ratio across
// different set-ups is not a regression of the code.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../../cluster/common/cli-usage.ts';
import { benchResultsSchema, benchRunSchema } from '../../reports/run-files/bench-run-files.ts';
import { schemaProblem } from '../../reports/run-files/run-file-check.ts';
import { RUNS_DIR } from '../run-output.ts';
import type { LatencySummaryMs, RunSummary } from './run-summary.ts';

export interface StoredRun {
  dir: string;
  run: {
    scenario?: string;
    environment?: { cpuModel?: string | null; cpuCount?: number; nodeFlags?: string[]; git?: { sha?: string | null }; loadAverage1m?: number };
    cluster?: { fsync?: string | null; config?: Record<string, unknown> | null };
  };
  results: RunSummary;
}

export interface ComparisonRow {
  metric: string;
  a: number;
  b: number;
  /** b / a; null when a is 0. */
  ratio: number | null;
  better: 'higher' | 'lower';
  regression: boolean;
}

/** A folder path, or a folder name under reports/runs/. */
export function resolveRunDir(text: string): string {
  const candidates = isAbsolute(text) ? [text] : [resolve(text), join(RUNS_DIR, text)];
  const dir = candidates.find((d) => existsSync(join(d, 'results.json')));
  if (dir === undefined) throw new UsageError(`no run folder with results.json at "${text}" (looked in ${candidates.join(', ')})`);
  return dir;
}

export function loadRun(text: string): StoredRun {
  const dir = resolveRunDir(text);
  const read = (file: string): unknown => {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read ${join(dir, file)}: ${(err as Error).message.split('\n')[0]}`);
    }
  };
  // Both files through the writers' schemas: a folder of another kind or a torn file is one line.
  const parsed = benchResultsSchema.safeParse(read('results.json'));
  if (!parsed.success) throw new UsageError(`not a bench result: ${schemaProblem(join(dir, 'results.json'), parsed.error)}`);
  if (typeof parsed.data.okPerSec !== 'number') throw new UsageError(`${join(dir, 'results.json')} is not a bench result (no okPerSec)`);
  let run: StoredRun['run'] = {};
  if (existsSync(join(dir, 'run.json'))) {
    const r = benchRunSchema.safeParse(read('run.json'));
    if (!r.success) throw new UsageError(`not a bench run: ${schemaProblem(join(dir, 'run.json'), r.error)}`);
    run = r.data as StoredRun['run'];
  }
  return { dir, run, results: parsed.data as unknown as RunSummary };
}

function row(metric: string, a: number, b: number, better: 'higher' | 'lower', threshold: number): ComparisonRow {
  const ratio = a === 0 ? null : b / a;
  const regression = better === 'higher'
    ? b < a * (1 - threshold)
    : (a === 0 ? b > 0 : b > a * (1 + threshold));
  return { metric, a, b, ratio, better, regression };
}

const latencyKeys: [keyof LatencySummaryMs, string][] = [['p50', 'p50'], ['p90', 'p90'], ['p99', 'p99'], ['p999', 'p99.9'], ['max', 'max']];

export function compareRuns(a: RunSummary, b: RunSummary, threshold: number): ComparisonRow[] {
  const rows = [
    row('ok/s', a.okPerSec, b.okPerSec, 'higher', threshold),
    row('error rate %', a.errorRate * 100, b.errorRate * 100, 'lower', threshold),
  ];
  const ca = a.latencyMs.corrected;
  const cb = b.latencyMs.corrected;
  if (ca && cb) for (const [k, label] of latencyKeys) rows.push(row(`corrected ${label} ms`, ca[k], cb[k], 'lower', threshold));
  for (const [k, label] of latencyKeys) rows.push(row(`raw ${label} ms`, a.latencyMs.raw[k], b.latencyMs.raw[k], 'lower', threshold));
  return rows;
}

/** How the two runs were made differently, one line each. */
export function setupDifferences(a: StoredRun, b: StoredRun): string[] {
  const out: string[] = [];
  const diff = (what: string, x: unknown, y: unknown): void => {
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${what}: ${String(x ?? 'unknown')} vs ${String(y ?? 'unknown')}`);
  };
  diff('scenario', a.run.scenario, b.run.scenario);
  diff('fsync', a.run.cluster?.fsync, b.run.cluster?.fsync);
  diff('cpu', `${a.run.environment?.cpuModel} x${a.run.environment?.cpuCount}`, `${b.run.environment?.cpuModel} x${b.run.environment?.cpuCount}`);
  diff('generator flags', a.run.environment?.nodeFlags?.join(' '), b.run.environment?.nodeFlags?.join(' '));
  diff('git', a.run.environment?.git?.sha?.slice(0, 10), b.run.environment?.git?.sha?.slice(0, 10));
  diff('mode', a.results.mode, b.results.mode);
  diff('target rate/s', a.results.targetRateRps, b.results.targetRateRps);
  const ca = flatten(a.run.cluster?.config ?? {});
  const cb = flatten(b.run.cluster?.config ?? {});
  for (const key of [...new Set([...ca.keys(), ...cb.keys()])].sort()) {
    // Ports and directories differ between any two clusters a bench starts; they change nothing.
    if (/port|host|url|dir/i.test(key)) continue;
    diff(`cluster ${key}`, ca.get(key), cb.get(key));
  }
  return out;
}

function flatten(value: Record<string, unknown>, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, `${prefix}${k}.`, out);
    else out.set(`${prefix}${k}`, v);
  }
  return out;
}

const num = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export function formatComparison(a: StoredRun, b: StoredRun, rows: readonly ComparisonRow[], threshold: number): string[] {
  const lines = [`A: ${a.dir}`, `B: ${b.dir}`];
  for (const d of setupDifferences(a, b)) lines.push(`note: the runs differ in ${d}`);
  const la = a.run.environment?.loadAverage1m;
  const lb = b.run.environment?.loadAverage1m;
  if (la !== undefined && lb !== undefined) lines.push(`machine load (1 min) at start: A ${la.toFixed(2)}, B ${lb.toFixed(2)}`);
  lines.push('', `${'metric'.padEnd(20)} ${'A'.padStart(10)} ${'B'.padStart(10)} ${'B/A'.padStart(7)}`);
  for (const r of rows) {
    const ratio = r.ratio === null ? (r.b === 0 ? '=' : 'new') : r.ratio.toFixed(2);
    lines.push(`${r.metric.padEnd(20)} ${num(r.a).padStart(10)} ${num(r.b).padStart(10)} ${ratio.padStart(7)}${r.regression ? `  REGRESSION (${r.better} is better)` : ''}`);
  }
  const bad = rows.filter((r) => r.regression);
  lines.push('', bad.length === 0
    ? `no regression beyond ${(threshold * 100).toFixed(0)}%`
    : `${bad.length} regression${bad.length > 1 ? 's' : ''} beyond ${(threshold * 100).toFixed(0)}%: ${bad.map((r) => r.metric).join(', ')}`);
  return lines;
}
