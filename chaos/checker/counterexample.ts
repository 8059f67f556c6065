// What to show when a partition cannot be linearized: the longest prefix the search managed to
// linearize, and the window it got stuck on — the op that had to take effect next at the latest
// (the earliest-returning ok op left) together with every op left that was called before that
// return. No order of the window continues the prefix legally.
import type { Operation } from '../../reports/run-files/history-ops.ts';
import type { Counterexample, OpSummary } from '../../reports/run-files/counterexample-text.ts';

// The stored shape and its formatting live with the run files, which the report reads without chaos.
export { describeOp, formatCounterexample, type Counterexample, type OpSummary } from '../../reports/run-files/counterexample-text.ts';

const PREFIX_TAIL_LENGTH = 5;

export function summarize(op: Operation): OpSummary {
  const s: OpSummary = {
    id: op.id, process: op.process, f: op.f, input: op.input, outcome: op.outcome,
    invokeIndex: op.invokeIndex, completeIndex: op.completeIndex,
  };
  if (op.key !== undefined) s.key = op.key;
  if (op.output !== undefined) s.output = op.output;
  return s;
}

export function buildCounterexample(
  key: string | null,
  ops: readonly Operation[],
  prefix: readonly number[],
  stateAfterPrefix: string,
): Counterexample {
  const inPrefix = new Uint8Array(ops.length);
  for (const k of prefix) inPrefix[k] = 1;
  let blocking: Operation | undefined;
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k]!;
    if (inPrefix[k] === 0 && op.outcome === 'ok' && (blocking === undefined || op.returnNs < blocking.returnNs)) blocking = op;
  }
  if (blocking === undefined) throw new Error('checker invariant violated: a failed partition has no ok op left');
  const deadlineNs = blocking.returnNs;
  const window = ops.filter((op, k) => inPrefix[k] === 0 && op.callNs <= deadlineNs).sort((a, b) => a.callNs - b.callNs);
  return {
    key,
    linearizedCount: prefix.length,
    partitionSize: ops.length,
    prefixTail: prefix.slice(-PREFIX_TAIL_LENGTH).map((k) => summarize(ops[k]!)),
    stateAfterPrefix,
    blocking: summarize(blocking),
    window: window.map(summarize),
  };
}

/** The counterexample for an op the model's precheck found impossible on its own. */
export function impossibleCounterexample(key: string | null, ops: readonly Operation[], op: Operation, initialState: string): Counterexample {
  const s = summarize(op);
  return { key, linearizedCount: 0, partitionSize: ops.length, prefixTail: [], stateAfterPrefix: initialState, blocking: s, window: [s], impossible: true };
}

