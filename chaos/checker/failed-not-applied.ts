// A `fail` is a promise: the call certainly did not take effect. If its command is in any node's
// committed log, the cluster (or the gateway that said "not applied") broke that promise, and
// every checker that dropped the call as never having happened judged a false history.
import { appliedCommands } from './applied-commands.ts';
import type { Operation } from '../../reports/run-files/history-ops.ts';
import type { StoredLog } from './run-checks.ts';
import type { CheckResult } from './verdict.ts';

export interface FailedNotAppliedInput {
  readonly ops: readonly Operation[];
  readonly clientId: string;
  readonly logs: readonly StoredLog[];
}

const examplesMax = 10;

/** The call id a failed op would carry in the log (see applied-commands.ts), or null. */
function callIdOfOp(op: Operation): string | null {
  if (op.f === 'append' && typeof op.input === 'string') return `append:${op.input}`;
  if (op.f === 'write' && typeof op.input === 'string') return `write:${op.key ?? ''}:${op.input}`;
  if (op.f === 'cas' && Array.isArray(op.input) && typeof op.input[1] === 'string') return `cas:${op.key ?? ''}:${op.input[1]}`;
  return null;
}

export function checkFailedNotApplied(input: FailedNotAppliedInput): CheckResult & { failed: number; applied: number } {
  const inLog = new Map<string, { node: string; index: number }>();
  for (const log of input.logs) {
    for (const c of appliedCommands(log, input.clientId)) {
      if (c.callId !== null && !inLog.has(c.callId)) inLog.set(c.callId, { node: c.node, index: c.index });
    }
  }
  const broken: string[] = [];
  let failed = 0;
  for (const op of input.ops) {
    if (op.outcome !== 'fail') continue;
    const id = callIdOfOp(op);
    if (id === null) continue;
    failed++;
    const at = inLog.get(id);
    if (at) broken.push(`${op.f} ${JSON.stringify(op.input)} (process ${op.process}) failed but is committed at index ${at.index} on ${at.node}`);
  }
  const base = { checker: 'failed-not-applied', failed, applied: broken.length };
  if (broken.length === 0) return { ...base, valid: true };
  const shown = broken.slice(0, examplesMax);
  return { ...base, valid: false, reason: `${broken.length} call(s) answered fail took effect: ${shown.join('; ')}${broken.length > shown.length ? '; …' : ''}`, counterexample: shown };
}
