// What to show when a partition cannot be linearized: the longest prefix the search managed to
// linearize, and the window it got stuck on — the op that had to take effect next at the latest
// (the earliest-returning ok op left) together with every op left that was called before that
// return. No order of the window continues the prefix legally.
import type { Operation, Value } from './history.ts';
import { describeValue } from './model.ts';

export interface OpSummary {
  id: number;
  process: number;
  f: string;
  key?: string;
  input: Value;
  output?: Value;
  outcome: Operation['outcome'];
  invokeIndex: number;
  completeIndex: number | null;
}

export interface Counterexample {
  key: string | null;
  /** Ops of this partition linearized before the search got stuck, and how many it had. */
  linearizedCount: number;
  partitionSize: number;
  /** The last few linearized ops, in linearization order. */
  prefixTail: OpSummary[];
  stateAfterPrefix: string;
  blocking: OpSummary;
  window: OpSummary[];
  /** Set when `blocking` returned what no sequence of the partition's calls could give. */
  impossible?: true;
}

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

export function describeOp(op: OpSummary): string {
  const key = op.key === undefined ? '' : ` key=${JSON.stringify(op.key)}`;
  const result = op.outcome === 'ok' ? ` -> ${describeValue(op.output)}` : ` (${op.outcome})`;
  const where = `#${op.invokeIndex}..${op.completeIndex ?? 'end'}`;
  return `p${op.process} ${op.f}${key} ${describeValue(op.input)}${result}  [events ${where}]`;
}

/** A few lines for a terminal or a report. */
export function formatCounterexample(cx: Counterexample, maxWindowLines = 12): string {
  const lines: string[] = [];
  if (cx.impossible) return `no sequence of the ${cx.partitionSize} ops${cx.key === null ? '' : ` of key ${JSON.stringify(cx.key)}`} can give what this one returned:\n  ${describeOp(cx.blocking)}`;
  const part = cx.key === null ? '' : ` of key ${JSON.stringify(cx.key)}`;
  lines.push(`linearized ${cx.linearizedCount} of ${cx.partitionSize} ops${part}; the last of them:`);
  for (const op of cx.prefixTail) lines.push(`  ${describeOp(op)}`);
  lines.push(`state then: ${cx.stateAfterPrefix}`);
  lines.push(`stuck: no order of these ${cx.window.length} ops fits before ${describeOp(cx.blocking)} returns:`);
  for (const op of cx.window.slice(0, maxWindowLines)) lines.push(`  ${describeOp(op)}`);
  if (cx.window.length > maxWindowLines) lines.push(`  ... ${cx.window.length - maxWindowLines} more`);
  return lines.join('\n');
}
