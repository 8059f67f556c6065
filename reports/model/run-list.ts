// The runs index: one row per folder under reports/runs, read from run.json and results.json
// only (no history parsing), so listing hundreds of runs stays cheap.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ms, num, pct } from './format.ts';
import { openRun, type RunKind } from './run-files.ts';
import type { Verdict } from './report-model.ts';

export interface RunRow {
  readonly id: string;
  /** ISO time; from run.json, else parsed from the folder name. */
  readonly startedAt: string | null;
  readonly kind: RunKind;
  /** The experiment (chaos), scenario (bench) or the folder's label. */
  readonly name: string;
  readonly verdict: Verdict;
  readonly figures: Record<string, string>;
  readonly hasReport: boolean;
}

/** "2026-11-27T09-13-39-712Z-x" (chaos) or "20261127T091125Z-bench-x" (bench). */
export function dateFromId(id: string): string | null {
  let m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z/.exec(id);
  if (m) return `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`;
  m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  if (m) return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
  return null;
}

export function runRow(dir: string): RunRow {
  const rf = openRun(dir);
  const run = rf.run ?? {};
  const r = rf.results;
  const startedAt = typeof run.startedAt === 'string' ? run.startedAt : dateFromId(rf.id);
  const hasReport = existsSync(join(dir, 'index.html'));
  if (rf.kind === 'chaos') {
    const lost = r?.checks?.['lost-writes'];
    return {
      id: rf.id, startedAt, kind: 'chaos', name: String(run.experiment), hasReport,
      verdict: r === null ? 'unknown' : r.verdict === 'valid' || r.verdict === 'invalid' ? r.verdict : 'unknown',
      figures: r === null ? { status: 'no results (crashed or running)' } : {
        trials: `${r.trials}/${r.trialsPlanned}`, 'election p99': ms(r.electionMs?.count ? r.electionMs.p99 : null),
        'unavailable p99': ms(r.unavailabilityMs?.count ? r.unavailabilityMs.p99 : null),
        ...(lost ? { lost: `${lost.lost}/${lost.acknowledged}` } : {}),
      },
    };
  }
  if (rf.kind === 'bench') {
    const slo: { passed: boolean }[] = Array.isArray(r?.slo) ? r!.slo : [];
    const lat = r?.latencyMs?.corrected ?? r?.latencyMs?.raw;
    return {
      id: rf.id, startedAt, kind: 'bench', name: String(run.scenario ?? r?.scenario ?? rf.id), hasReport,
      verdict: r === null ? 'unknown' : slo.length === 0 ? 'none' : slo.every((v) => v.passed) ? 'passed' : 'failed',
      figures: r === null ? { status: 'no results' } : { 'ok/s': num(r.okPerSec, 1), errors: pct(r.errorRate), p99: ms(lat?.p99) },
    };
  }
  return { id: rf.id, startedAt, kind: 'other', name: rf.id.replace(/^[0-9TZ.-]+-(?=[a-z])/i, ''), hasReport, verdict: 'none', figures: {} };
}

/** Every run folder, newest first. The compare/ folder holds comparison pages, not a run. */
export function listRuns(runsDir: string): RunRow[] {
  if (!existsSync(runsDir)) return [];
  const rows: RunRow[] = [];
  for (const name of readdirSync(runsDir)) {
    const dir = join(runsDir, name);
    if (name === 'compare' || name.startsWith('.') || !statSync(dir).isDirectory()) continue;
    try { rows.push(runRow(dir)); } catch { /* removed while listing */ }
  }
  return rows.sort((a, b) => (b.startedAt ?? b.id).localeCompare(a.startedAt ?? a.id));
}
