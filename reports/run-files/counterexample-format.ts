// A linearizability counterexample as results.json stores it, and its text form: written by the
// checker (chaos/checker/counterexample.ts builds it), read by the check CLI and the report.
// The zod-free part (types, text) is counterexample-text.ts, re-exported here.
import { z } from 'zod';
import { valueSchema } from './history-file.ts';

export { describeOp, describeValue, formatCounterexample, type Counterexample, type OpSummary } from './counterexample-text.ts';

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
