// Reads a chaos run folder back into what checkRun needs, through the run-file schemas, so a
// stored run is judged from its files alone: run.json (clientId, clock origin), history.jsonl, events.jsonl (node audit events
// and trial records), final-logs.json (absent when the final reads failed or the run predates
// it) and results.json (the checks only the live run could observe).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckerError } from '../checker/errors.ts';
import type { IsolatedTrial } from '../checker/deposed-leader.ts';
import { pairOperations, parseHistoryJsonl } from '../../reports/run-files/history-file.ts';
import type { FinalLogs, RunCheckInput } from '../checker/run-checks.ts';
import type { CheckResult } from '../checker/verdict.ts';
import type { NodeEvent } from './node-event-poller.ts';
import { trialLiveness } from './run-types.ts';
import { z } from 'zod';
import { ReportError } from '../../reports/errors.ts';
import { readJsonLines, readRunFile } from '../../reports/model/run-files.ts';
import { chaosEventSchema, chaosResultsSchema, chaosRunSchema, finalLogsSchema } from '../../reports/run-files/chaos-run-files.ts';
import { schemaProblem } from '../../reports/run-files/run-file-check.ts';

/** What a re-check needs of run.json and results.json; an older run without the rest still loads. */
const runForCheck = chaosRunSchema.pick({ clientId: true, historyOriginEpochMs: true, checkBudgetMs: true, liveness: true });
const resultsForCheck = chaosResultsSchema.pick({ checks: true }).loose();

export class BadRunFolderError extends Error {
  readonly code = 'BAD_RUN_FOLDER';
}

/** Checks observed while the run went on; a re-check keeps them as they were. */
export const runtimeCheckNames: ReadonlySet<string> = new Set(['run-completed', 'cluster-restored', 'final-reads']);

export interface StoredRun {
  readonly dir: string;
  readonly run: Record<string, unknown>;
  /** null when the run left none (it did not finish). */
  readonly results: z.infer<typeof resultsForCheck> | null;
  /** Everything but the budget, which the caller chooses. */
  readonly input: Omit<RunCheckInput, 'linearizabilityBudgetMs'>;
  /** The budget the run itself used, when it recorded one. */
  readonly runBudgetMs: number | null;
}

export function readStoredRun(dir: string): StoredRun {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BadRunFolderError(`${dir} is not a folder`);
  const { run, checkRun, events, finalLogs, results } = readFolder(dir);
  const history = readHistory(dir);
  const nodeEvents = events.flatMap((e) => (e.type === 'node' ? [toNodeEvent(dir, e)] : []));
  const trials = events.flatMap((e) => (e.type === 'trial' ? [e] : []));
  const isolated: IsolatedTrial[] = trials.flatMap((t) => (t.isolated ? [{ trial: t.trial, ...t.isolated }] : []));
  const runtimeChecks: CheckResult[] = [];
  if (results === null) {
    runtimeChecks.push({ checker: 'run-completed', valid: 'unknown', reason: 'results.json is missing: the run may not have finished' });
  } else {
    for (const [name, c] of Object.entries(results.checks)) {
      if (!runtimeCheckNames.has(name)) continue;
      const { reason, ...rest } = c;
      runtimeChecks.push({ ...rest, checker: c.checker ?? name, ...(reason ? { reason } : {}) });
    }
  }
  return {
    dir, run, results, runBudgetMs: checkRun.checkBudgetMs ?? null,
    input: {
      history, clientId: checkRun.clientId, historyOriginEpochMs: checkRun.historyOriginEpochMs, finalLogs: finalLogs as FinalLogs | null,
      nodeEvents, isolated, runtimeChecks,
      trials: trials.map(trialLiveness),
      liveness: checkRun.liveness ?? null,
    },
  };
}

/** The folder's JSON files through their schemas; the report's readers are reused, their errors renamed. */
function readFolder(dir: string) {
  try {
    const run = readRunFile(dir, 'run.json', z.record(z.string(), z.unknown()));
    if (run === null) throw new BadRunFolderError(`${dir} has no run.json: not a chaos run folder`);
    const parsedRun = runForCheck.safeParse(run);
    if (!parsedRun.success) {
      throw new BadRunFolderError(`${schemaProblem(join(dir, 'run.json'), parsedRun.error)}: not a chaos run folder`);
    }
    const events = readJsonLines(dir, 'events.jsonl', chaosEventSchema);
    if (events === null) throw new BadRunFolderError(`${dir} has no events.jsonl: not a chaos run folder`);
    const finalLogs = readRunFile(dir, 'final-logs.json', finalLogsSchema);
    const results = readRunFile(dir, 'results.json', resultsForCheck);
    return { run, checkRun: parsedRun.data, events, finalLogs, results };
  } catch (err) {
    if (err instanceof ReportError) throw new BadRunFolderError(err.message);
    throw err;
  }
}

/** A node event as the poller recorded it: with its node, kind, sequence and clock, or the folder is bad. */
function toNodeEvent(dir: string, e: { node?: string; kind?: string; [k: string]: unknown }): NodeEvent {
  const { node, kind, seq, ts } = e;
  if (typeof node !== 'string' || typeof kind !== 'string' || typeof seq !== 'number' || typeof ts !== 'number') {
    throw new BadRunFolderError(`${join(dir, 'events.jsonl')}: a node event lacks its node, kind, seq or ts`);
  }
  return { ...e, node, kind, seq, ts };
}

function readHistory(dir: string) {
  const path = join(dir, 'history.jsonl');
  if (!existsSync(path)) throw new BadRunFolderError(`${dir} has no history.jsonl: not a chaos run folder`);
  try {
    const events = parseHistoryJsonl(readFileSync(path, 'utf8'));
    pairOperations(events);
    return events;
  } catch (err) {
    if (err instanceof CheckerError) throw new BadRunFolderError(`${path}: ${err.message}`);
    throw err;
  }
}
