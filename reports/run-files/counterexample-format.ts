// A linearizability counterexample as results.json stores it, and its text form: written by the
// checker (chaos/checker/counterexample.ts builds it), read by the check CLI and the report.
import { z } from 'zod';
import { valueSchema, type Operation, type Value } from './history-file.ts';

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

const opSummarySchema = z.looseObject({
  id: z.number().int(), process: z.number().int(), f: z.string(), key: z.string().optional(),
  input: valueSchema, output: valueSchema.optional(), outcome: z.enum(['ok', 'fail', 'info']),
  invokeIndex: z.number().int(), completeIndex: z.number().int().nullable(),
});

/** A stored counterexample, as a reader parses it (other checkers store other shapes under the same name). */
export const counterexampleSchema = z.looseObject({
  key: z.string().nullable(), linearizedCount: z.number(), partitionSize: z.number(),
  prefixTail: z.array(opSummarySchema), stateAfterPrefix: z.string(), blocking: opSummarySchema,
  window: z.array(opSummarySchema), impossible: z.literal(true).optional(),
});

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
