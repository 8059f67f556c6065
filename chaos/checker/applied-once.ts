// At most once: no call of the run took effect twice on any node. A retry that reaches the log
// under a fresh request id, or a state machine that ignores its exactly-once table, passes
// lost-writes and append-order; it shows here as one call id applied at two log indexes, or as
// a state machine record at an index the exactly-once rule says was a duplicate.
import { appliedCommands } from './applied-commands.ts';
import type { StoredLog } from './run-checks.ts';
import type { CheckResult } from './verdict.ts';

/** What a node's state machine holds at a log index the rule says it must not have applied. */
export interface DuplicateProbe {
  readonly node: string;
  readonly index: number;
  /** True when the node's state machine has a record at that index: it applied the duplicate. */
  readonly recorded: boolean;
}

export interface AppliedOnceInput {
  readonly clientId: string;
  readonly logs: readonly StoredLog[];
  readonly probes?: readonly DuplicateProbe[];
}

const examplesMax = 10;

export function checkAppliedOnce(input: AppliedOnceInput): CheckResult & { commands: number; twice: number } {
  const problems: string[] = [];
  let commands = 0;
  for (const log of input.logs) {
    const byCall = new Map<string, number[]>();
    for (const c of appliedCommands(log, input.clientId)) {
      commands++;
      if (c.callId === null) continue;
      const at = byCall.get(c.callId);
      if (at) at.push(c.index); else byCall.set(c.callId, [c.index]);
    }
    for (const [callId, indexes] of byCall) {
      if (indexes.length > 1) problems.push(`${callId} applied ${indexes.length} times on ${log.node} (indexes ${indexes.join(', ')})`);
    }
  }
  for (const p of input.probes ?? []) {
    if (p.recorded) problems.push(`${p.node}'s state machine applied the duplicate at index ${p.index}`);
  }
  const base = { checker: 'applied-once', commands, twice: problems.length };
  if (problems.length === 0) return { ...base, valid: true };
  const shown = problems.slice(0, examplesMax);
  return {
    ...base, valid: false,
    reason: `${problems.length} call(s) took effect more than once: ${shown.join('; ')}${problems.length > shown.length ? '; …' : ''}`,
    counterexample: shown,
  };
}

/**
 * The indexes of committed commands that repeat an earlier (clientId, requestId) of this run:
 * the runner asks each node's state machine about them (`GET /api/entries/:index` must be 404).
 */
export function duplicateIndexes(log: StoredLog, clientId: string): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  for (const e of log.entries) {
    const c = e.command as Record<string, unknown> | null;
    if (e.kind !== 'command' || c === null || c.op !== 'append' || c.clientId !== clientId || typeof c.requestId !== 'string') continue;
    if (seen.has(c.requestId)) out.push(e.index);
    else seen.add(c.requestId);
  }
  return out;
}
