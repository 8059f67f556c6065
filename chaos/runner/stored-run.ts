// Reads a chaos run folder back into what checkRun needs, so a stored run is judged from its
// files alone: run.json (clientId, clock origin), history.jsonl, events.jsonl (node audit events
// and trial records), final-logs.json (absent when the final reads failed or the run predates
// it) and results.json (the checks only the live run could observe).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckerError } from '../checker/errors.ts';
import type { IsolatedTrial } from '../checker/deposed-leader.ts';
import { pairOperations, parseHistoryJsonl } from '../../reports/run-files/history-file.ts';
import type { FinalLogs, RunCheckInput } from '../checker/run-checks.ts';
import type { CheckResult } from '../checker/verdict.ts';
import type { LivenessBounds } from '../checker/liveness.ts';
import type { NodeEvent } from './node-event-poller.ts';
import { trialLiveness } from './run-types.ts';
import { chaosRunSchema, finalLogsSchema } from '../../reports/run-files/chaos-run-files.ts';
import { schemaProblem } from '../../reports/run-files/run-file-check.ts';

/** What a re-check needs of run.json; an older run without the rest still loads. */
const runForCheck = chaosRunSchema.pick({ clientId: true, historyOriginEpochMs: true, checkBudgetMs: true, liveness: true });

export class BadRunFolderError extends Error {
  readonly code = 'BAD_RUN_FOLDER';
}

/** Checks observed while the run went on; a re-check keeps them as they were. */
export const runtimeCheckNames: ReadonlySet<string> = new Set(['run-completed', 'cluster-restored', 'final-reads']);

export interface StoredRun {
  readonly dir: string;
  readonly run: Record<string, unknown>;
  /** null when the run left none (it did not finish). */
  readonly results: Record<string, unknown> | null;
  /** Everything but the budget, which the caller chooses. */
  readonly input: Omit<RunCheckInput, 'linearizabilityBudgetMs'>;
  /** The budget the run itself used, when it recorded one. */
  readonly runBudgetMs: number | null;
}

export function readStoredRun(dir: string): StoredRun {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BadRunFolderError(`${dir} is not a folder`);
  const run = readJson(dir, 'run.json', true) as Record<string, unknown>;
  const parsedRun = runForCheck.safeParse(run);
  if (!parsedRun.success) {
    throw new BadRunFolderError(`${schemaProblem(join(dir, 'run.json'), parsedRun.error)}: not a chaos run folder`);
  }
  const checkRun = parsedRun.data;
  const history = readHistory(dir);
  const events = readJsonl(dir, 'events.jsonl');
  const nodeEvents = events.filter((e) => e.type === 'node') as unknown as NodeEvent[];
  const isolated: IsolatedTrial[] = events
    .filter((e) => e.type === 'trial' && typeof e.isolated === 'object' && e.isolated !== null)
    .map((e) => ({ trial: e.trial as number, ...(e.isolated as Omit<IsolatedTrial, 'trial'>) }));
  const finalLogs = readJson(dir, 'final-logs.json', false) as FinalLogs | null;
  const parsedLogs = finalLogs === null ? null : finalLogsSchema.safeParse(finalLogs);
  if (parsedLogs && !parsedLogs.success) throw new BadRunFolderError(schemaProblem(join(dir, 'final-logs.json'), parsedLogs.error));
  const results = readJson(dir, 'results.json', false) as Record<string, unknown> | null;
  const runtimeChecks: CheckResult[] = [];
  if (results === null) {
    runtimeChecks.push({ checker: 'run-completed', valid: 'unknown', reason: 'results.json is missing: the run may not have finished' });
  } else {
    const stored = (results.checks ?? {}) as Record<string, CheckResult>;
    for (const [name, c] of Object.entries(stored)) if (runtimeCheckNames.has(name)) runtimeChecks.push(c);
  }
  return {
    dir, run, results, runBudgetMs: checkRun.checkBudgetMs ?? null,
    input: {
      history, clientId: checkRun.clientId, historyOriginEpochMs: checkRun.historyOriginEpochMs, finalLogs,
      nodeEvents, isolated, runtimeChecks,
      trials: events.filter((e) => e.type === 'trial' && typeof e.trial === 'number')
        .map((e) => trialLiveness(e as unknown as Parameters<typeof trialLiveness>[0])),
      liveness: isBounds(run.liveness) ? run.liveness : null,
    },
  };
}

function readText(dir: string, name: string, required: boolean): string | null {
  const path = join(dir, name);
  if (!existsSync(path)) {
    if (required) throw new BadRunFolderError(`${dir} has no ${name}: not a chaos run folder`);
    return null;
  }
  return readFileSync(path, 'utf8');
}

function readJson(dir: string, name: string, required: boolean): unknown {
  const text = readText(dir, name, required);
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v;
  } catch (err) {
    throw new BadRunFolderError(`${join(dir, name)} is not a JSON object (${(err as Error).message})`);
  }
}

function readJsonl(dir: string, name: string): Record<string, unknown>[] {
  const text = readText(dir, name, true)!;
  const rows: Record<string, unknown>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    try {
      rows.push(JSON.parse(lines[i]!) as Record<string, unknown>);
    } catch {
      throw new BadRunFolderError(`${join(dir, name)} line ${i + 1} is not JSON`);
    }
  }
  return rows;
}

function readHistory(dir: string) {
  const text = readText(dir, 'history.jsonl', true)!;
  try {
    const events = parseHistoryJsonl(text);
    pairOperations(events);
    return events;
  } catch (err) {
    if (err instanceof CheckerError) throw new BadRunFolderError(`${join(dir, 'history.jsonl')}: ${err.message}`);
    throw err;
  }
}

/** run.json's liveness bounds: an object of numbers, or nothing (a run from before they existed). */
function isBounds(v: unknown): v is LivenessBounds {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const b = v as Record<string, unknown>;
  return ['electionMsMax', 'unavailabilityMsMax'].every((k) => b[k] === undefined || (typeof b[k] === 'number' && Number.isFinite(b[k])));
}

