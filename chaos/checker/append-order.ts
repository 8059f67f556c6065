import type { Operation } from '../../reports/run-files/history-ops.ts';
import type { CheckResult } from './verdict.ts';

/**
 * Real-time order of appends (the log's linearizability): if append A completed ok before
 * append B was invoked, A's log index must be below B's. B may also be an append that ended
 * info but did take effect — its index then comes from the final committed logs. A must have
 * completed ok: an info append has no completion time to order by.
 *
 * ok values are [entryId, node]; entryId is the Raft index the entry was committed at (a retry
 * the node deduplicated answers with the first one's).
 */
export interface AppendOrderInput {
  readonly ops: readonly Operation[];
  /** Log index of each committed append by requestId (this run's client), for info appends that were applied. */
  readonly committedIndexOf?: ReadonlyMap<string, number>;
}

export interface AppendOrderViolation {
  readonly earlier: { readonly requestId: string; readonly index: number; readonly returnedNs: number };
  readonly later: { readonly requestId: string; readonly index: number; readonly calledNs: number; readonly outcome: 'ok' | 'info' };
}

const examplesMax = 20;

export function checkAppendOrder(input: AppendOrderInput): CheckResult & { ordered: number; infoPlaced: number; violations: number } {
  interface Placed { readonly op: Operation; readonly index: number }
  const completed: Placed[] = [];
  const placed: Placed[] = [];
  let infoPlaced = 0;
  for (const op of input.ops) {
    if (op.f !== 'append' || typeof op.input !== 'string') continue;
    if (op.outcome === 'ok' && Array.isArray(op.output) && typeof op.output[0] === 'number') {
      const p = { op, index: op.output[0] };
      completed.push(p);
      placed.push(p);
    } else if (op.outcome === 'info') {
      const index = input.committedIndexOf?.get(op.input);
      if (index !== undefined) { placed.push({ op, index }); infoPlaced++; }
    }
  }
  completed.sort((a, b) => a.op.returnNs - b.op.returnNs);
  placed.sort((a, b) => a.op.callNs - b.op.callNs);
  // Sweep invokes in time order, folding in every completion strictly before each: only the
  // highest index completed so far can be out of order with the next invoke.
  const violations: AppendOrderViolation[] = [];
  let highest: Placed | null = null;
  let i = 0;
  for (const b of placed) {
    while (i < completed.length && completed[i]!.op.returnNs < b.op.callNs) {
      const a = completed[i++]!;
      if (highest === null || a.index > highest.index) highest = a;
    }
    if (highest !== null && highest.index >= b.index) {
      violations.push({
        earlier: { requestId: highest.op.input as string, index: highest.index, returnedNs: highest.op.returnNs },
        later: { requestId: b.op.input as string, index: b.index, calledNs: b.op.callNs, outcome: b.op.outcome === 'ok' ? 'ok' : 'info' },
      });
    }
  }
  const counts = { ordered: placed.length, infoPlaced, violations: violations.length };
  if (violations.length === 0) return { checker: 'append-order', valid: true, ...counts };
  const v = violations[0]!;
  return {
    checker: 'append-order', valid: false, ...counts,
    reason: `${violations.length} append(s) ordered before one that completed before they were invoked (first: request ${v.earlier.requestId} at index ${v.earlier.index} completed before request ${v.later.requestId} was invoked, which got index ${v.later.index})`,
    counterexample: violations.slice(0, examplesMax),
  };
}
