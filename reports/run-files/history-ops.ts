// The one op model every workload records: a history is a list of events, each a call (`invoke`)
// or its completion (`ok`, `fail` or `info`), in the order the client saw them. No zod here: the
// check-history CLI starts from this file, and zod's set-up costs more than a quick check
// (docs/perf/2026-12-07-checker-vs-porcupine.md); the jsonl file format is history-file.ts.
import { CheckerError } from './history-error.ts';

export type Value = null | boolean | number | string | readonly Value[];
export type EventType = 'invoke' | 'ok' | 'fail' | 'info';
/** ok: took effect; fail: definitely did not; info: unknown (may take effect at any time after its invoke, or never). */
export type Outcome = Exclude<EventType, 'invoke'>;

export interface HistoryEvent {
  process: number;
  type: EventType;
  f: string;
  key?: string;
  /** invoke: the argument; ok: the result (e.g. the value read); fail/info: whatever the client knew. */
  value: Value;
  /** Monotonic time the client saw the event; real-time order between operations comes from it. */
  timeNs: number;
  /** Position in the history, 0-based. */
  index: number;
}

/** An invoke paired with its completion. */
export interface Operation {
  /** Position among the history's operations, in invoke order. */
  id: number;
  process: number;
  f: string;
  key?: string;
  input: Value;
  /** The completion's value when `outcome` is ok; undefined otherwise (nothing is known). */
  output: Value | undefined;
  outcome: Outcome;
  callNs: number;
  /** +Infinity for info: an unknown outcome may take effect at any later time. */
  returnNs: number;
  invokeIndex: number;
  /** null when the history ended with the call still open (treated as info). */
  completeIndex: number | null;
}

export interface PairOptions {
  /** Maps an event index to a source line for error messages. */
  lineOf?: (index: number) => number;
}

/**
 * Pairs each invoke with its process's next completion. A process has at most one call
 * outstanding, and a process that got `info` is never used again (its call may still be running).
 * Calls still open at the end of the history become info.
 */
export function pairOperations(events: readonly HistoryEvent[], options: PairOptions = {}): Operation[] {
  const lineOf = options.lineOf ?? ((i: number) => i + 1);
  const open = new Map<number, Operation>();
  const retired = new Set<number>();
  const ops: Operation[] = [];
  for (const e of events) {
    if (e.type === 'invoke') {
      if (open.has(e.process)) {
        throw new CheckerError('HISTORY_INVALID', `process ${e.process} invoked ${e.f} while its previous call is still open`, lineOf(e.index));
      }
      if (retired.has(e.process)) {
        throw new CheckerError('HISTORY_INVALID', `process ${e.process} reused after an info completion`, lineOf(e.index));
      }
      const op: Operation = {
        id: ops.length, process: e.process, f: e.f, input: e.value, output: undefined, outcome: 'info',
        callNs: e.timeNs, returnNs: Infinity, invokeIndex: e.index, completeIndex: null,
      };
      if (e.key !== undefined) op.key = e.key;
      ops.push(op);
      open.set(e.process, op);
      continue;
    }
    const op = open.get(e.process);
    if (op === undefined) {
      throw new CheckerError('HISTORY_INVALID', `process ${e.process} completed ${e.f} (${e.type}) without an open call`, lineOf(e.index));
    }
    if (op.f !== e.f || op.key !== e.key) {
      throw new CheckerError('HISTORY_INVALID', `process ${e.process} completed ${e.f} but its open call is ${op.f}`, lineOf(e.index));
    }
    open.delete(e.process);
    op.outcome = e.type;
    op.completeIndex = e.index;
    if (e.type === 'info') {
      retired.add(e.process);
    } else {
      op.returnNs = e.timeNs;
      if (e.type === 'ok') op.output = e.value;
    }
  }
  return ops;
}
