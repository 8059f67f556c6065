// A linearizability counterexample's shape and its text form, without zod: the check-history CLI
// prints it and must start fast (docs/perf/2026-12-07-checker-vs-porcupine.md). The schema a
// reader parses results.json with is counterexample-format.ts.
import type { Operation, Value } from './history-ops.ts';

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

export function describeValue(v: Value | undefined): string {
  if (v === undefined) return '?';
  if (v === null) return 'nil';
  return JSON.stringify(v);
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
