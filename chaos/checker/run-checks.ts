// Every check of a chaos run, from what the run folder holds: the history, the nodes' audit
// events, the final committed logs and the trials that isolated a leader. The runner calls it
// at the end of a run and `just check` calls it on a stored run, so both give the same verdict
// from the same data. Checks observed only while the run went on (did it complete, was every
// member running at the end) come in as `runtimeChecks` and are combined as they are.
import { checkAppendOrder } from './append-order.ts';
import { checkAppliedOnce, type DuplicateProbe } from './applied-once.ts';
import { checkFailedNotApplied } from './failed-not-applied.ts';
import { checkLiveness, type LivenessBounds, type TrialLiveness } from './liveness.ts';
import { casRegister } from './cas-register.ts';
import { checkIsolatedLeaders, type AuditEventLike, type IsolatedTrial } from './deposed-leader.ts';
import { checkElectionSafety } from './election-safety.ts';
import { pairOperations, type HistoryEvent, type Operation } from '../../reports/run-files/history-ops.ts';
import { checkLinearizable } from './linearizability.ts';
import { checkLogAgreement } from './log-agreement.ts';
import { checkLostWrites } from './lost-writes.ts';
import { checkStats } from './stats.ts';
import { combineResults, type CheckResult } from './verdict.ts';

export type Verdict = 'valid' | 'invalid' | 'unknown';

/** One node's committed log as the runner read it (`/raft/log`) and stored it in final-logs.json. */
export interface StoredLog {
  readonly node: string;
  readonly commitIndex: number;
  readonly snapshotIndex: number;
  readonly entries: readonly {
    readonly index: number;
    readonly term: number;
    readonly kind: string;
    readonly command: { readonly op?: string; readonly clientId?: string; readonly requestId?: string; readonly [k: string]: unknown } | null;
  }[];
}

export type CompactedRecord = { readonly clientId: string | null; readonly requestId: string | null } | null;

/** final-logs.json. */
export interface FinalLogs {
  readonly leader: string | null;
  readonly logs: readonly StoredLog[];
  /** The leader's state machine record for acknowledged entry ids some node compacted away. */
  readonly compacted: readonly (readonly [number, CompactedRecord])[];
  /** Set when the compacted records could not be read: lost-writes cannot decide. */
  readonly compactedError?: string;
  /** The leader's state machine asked about each index the exactly-once rule calls a duplicate. */
  readonly duplicateProbes?: readonly DuplicateProbe[];
}

export interface RunCheckInput {
  readonly history: readonly HistoryEvent[];
  /** The run's clientId: appends are found in the logs by (clientId, requestId). */
  readonly clientId: string;
  readonly historyOriginEpochMs: number;
  /** null when the final logs were not read (the runtime checks say why). */
  readonly finalLogs: FinalLogs | null;
  readonly nodeEvents: readonly AuditEventLike[];
  readonly isolated: readonly IsolatedTrial[];
  readonly runtimeChecks: readonly CheckResult[];
  /** Wall-clock budget of the linearizability search; past it the check is unknown. */
  readonly linearizabilityBudgetMs: number;
  /** What each trial measured, and the experiment's bounds: the liveness check (absent: not judged). */
  readonly trials?: readonly TrialLiveness[];
  readonly liveness?: LivenessBounds | null;
}

export interface RunCheckOutcome {
  readonly verdict: Verdict;
  readonly reason: string | null;
  readonly checks: Record<string, CheckResult>;
  /** How long the checks took here (no network). */
  readonly checkMs: number;
}

export const registerFunctions: ReadonlySet<string> = new Set(['read', 'write', 'cas']);

export function checkRun(input: RunCheckInput): RunCheckOutcome {
  const startedMs = performance.now();
  const ops = pairOperations(input.history);
  const appends = ops.filter((op) => op.f === 'append');
  const register = ops.filter((op) => registerFunctions.has(op.f));
  const aborted = input.runtimeChecks.some((c) => c.checker === 'run-completed' && c.valid !== true);
  const checks: CheckResult[] = [...input.runtimeChecks];

  const logs = input.finalLogs?.logs ?? [];
  const haveLogs = input.finalLogs !== null && logs.length > 0;
  // Lost writes are about appends; a register-only run has none to look for.
  if (appends.length > 0) {
    if (!haveLogs) checks.push({ checker: 'lost-writes', valid: 'unknown', reason: 'no final logs were read' });
    else if (input.finalLogs!.compactedError !== undefined) checks.push({ checker: 'lost-writes', valid: 'unknown', reason: input.finalLogs!.compactedError });
    else checks.push(checkLostWrites({ ops: appends, clientId: input.clientId, logs: logs.map(appendView), compacted: new Map(input.finalLogs!.compacted) }));
  }
  if (haveLogs) {
    checks.push(checkLogAgreement(logs));
    checks.push(checkAppliedOnce({ clientId: input.clientId, logs, probes: input.finalLogs!.duplicateProbes ?? [] }));
    checks.push(checkFailedNotApplied({ ops, clientId: input.clientId, logs }));
  }
  else if (!aborted) checks.push({ checker: 'log-agreement', valid: 'unknown', reason: 'no final logs were read' });
  if (appends.length > 0) checks.push(checkAppendOrder({ ops: appends, committedIndexOf: committedAppendIndexes(logs, input.clientId) }));
  checks.push(checkElectionSafety(input.nodeEvents));
  if (input.isolated.length > 0) {
    const epochMsOfNs = (ns: number) => input.historyOriginEpochMs + ns / 1e6;
    checks.push(checkIsolatedLeaders(input.isolated, input.nodeEvents, appends, epochMsOfNs));
  }
  if (register.length > 0) checks.push(checkRegister(register, input.linearizabilityBudgetMs));
  if (input.liveness && input.trials && input.trials.length > 0) checks.push(checkLiveness(input.trials, input.liveness));
  if (input.history.length > 0) {
    const stats = checkStats(input.history);
    // No ok at all for some function means the run did not test it: undecided, not a safety failure.
    checks.push(stats.valid === false ? { ...stats, valid: 'unknown' } : stats);
  }

  const combined = combineResults(checks);
  const verdict: Verdict = combined.valid === true ? 'valid' : combined.valid === false ? 'invalid' : 'unknown';
  const failed = checks.find((c) => c.valid === false) ?? checks.find((c) => c.valid === 'unknown');
  return {
    verdict, reason: verdict === 'valid' ? null : `${failed?.checker}: ${failed?.reason ?? 'see checks'}`,
    checks: combined.results, checkMs: Math.round(performance.now() - startedMs),
  };
}

export function exitCodeOf(verdict: Verdict): 0 | 1 | 2 {
  return verdict === 'valid' ? 0 : verdict === 'invalid' ? 1 : 2;
}

function checkRegister(ops: readonly Operation[], budgetMs: number): CheckResult {
  const r = checkLinearizable(casRegister, ops, { budgetMs });
  // Search effort figures are kept; elapsed is rounded so results.json stays readable.
  return { ...r, elapsedMs: Math.round(r.elapsedMs) } as CheckResult;
}

function appendView(log: StoredLog) {
  return {
    node: log.node, commitIndex: log.commitIndex, snapshotIndex: log.snapshotIndex,
    entries: log.entries.filter((e) => e.kind === 'command' && e.command?.op === 'append')
      .map((e) => ({ index: e.index, clientId: e.command?.clientId ?? null, requestId: e.command?.requestId ?? null })),
  };
}

/** This run's appends in any node's committed log (committed logs agree; log-agreement checks it). */
function committedAppendIndexes(logs: readonly StoredLog[], clientId: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const log of logs) {
    for (const e of log.entries) {
      if (e.kind !== 'command' || e.command?.op !== 'append' || e.command.clientId !== clientId || typeof e.command.requestId !== 'string') continue;
      if (!out.has(e.command.requestId)) out.set(e.command.requestId, e.index);
    }
  }
  return out;
}
