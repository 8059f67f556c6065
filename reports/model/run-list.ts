// The runs index: one row per folder under reports/runs, read from run.json and results.json
// only (no history parsing), so listing hundreds of runs stays cheap.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ReportError } from '../errors.ts';
import { lostWritesFiguresSchema } from '../run-files/chaos-run-files.ts';
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
  const hasReport = existsSync(join(dir, 'index.html'));
  if (rf.kind === 'chaos') {
    const { run, results: r } = rf;
    const lostCheck = lostWritesFiguresSchema.safeParse(r?.checks['lost-writes']);
    const lost = lostCheck.success ? lostCheck.data : null;
    return {
      id: rf.id, startedAt: run.startedAt, kind: 'chaos', name: run.experiment, hasReport,
      verdict: r === null ? 'unknown' : r.verdict,
      figures: r === null ? { status: 'no results (crashed or running)' } : {
        trials: `${r.trials}/${r.trialsPlanned ?? run.trials}`, 'election p99': ms(r.electionMs.count ? r.electionMs.p99 : null),
        'unavailable p99': ms(r.unavailabilityMs.count ? r.unavailabilityMs.p99 : null),
        ...(lost ? { lost: `${lost.lost}/${lost.acknowledged}` } : {}),
      },
    };
  }
  if (rf.kind === 'bench') {
    const { run, results: r } = rf;
    const slo = r?.slo ?? [];
    const lat = r?.latencyMs.corrected ?? r?.latencyMs.raw;
    return {
      id: rf.id, startedAt: run.startedAt, kind: 'bench', name: run.scenario, hasReport,
      verdict: r === null ? 'unknown' : slo.length === 0 ? 'none' : slo.every((v) => v.passed) ? 'passed' : 'failed',
      figures: r === null ? { status: 'no results' } : { 'ok/s': num(r.okPerSec, 1), errors: pct(r.errorRate), p99: ms(lat?.p99) },
    };
  }
  return { id: rf.id, startedAt: dateFromId(rf.id), kind: 'other', name: otherLabel(rf.id), hasReport, verdict: 'none', figures: {} };
}

const otherLabel = (id: string): string => id.replace(/^[0-9TZ.-]+-(?=[a-z])/i, '');

/** A folder whose files do not match their schemas is listed with the problem, not left out. */
function malformedRow(dir: string, id: string, err: ReportError): RunRow {
  return {
    id, startedAt: dateFromId(id), kind: 'other', name: otherLabel(id), verdict: 'unknown',
    hasReport: existsSync(join(dir, 'index.html')), figures: { problem: err.message.replace(`${dir}/`, '') },
  };
}

/** Every run folder, newest first. The compare/ folder holds comparison pages, not a run. */
export function listRuns(runsDir: string): RunRow[] {
  if (!existsSync(runsDir)) return [];
  const rows: RunRow[] = [];
  for (const name of readdirSync(runsDir)) {
    const dir = join(runsDir, name);
    if (name === 'compare' || name.startsWith('.') || !statSync(dir).isDirectory()) continue;
    try {
      rows.push(runRow(dir));
    } catch (err) {
      if (err instanceof ReportError && err.code === 'RUN_MALFORMED') rows.push(malformedRow(dir, name, err));
      // RUN_NOT_FOUND: removed while listing.
    }
  }
  return rows.sort((a, b) => (b.startedAt ?? b.id).localeCompare(a.startedAt ?? a.id));
}
