// The files of a bench run folder, reports/runs/<stamp>-bench-<name>/, as zod schemas: bench/cli.ts
// and bench/report/run-folder.ts validate what they write, the report and compare parse through
// them. Loose objects; fields older runs lack are optional. Timestamps: see timestamps.ts.
//   run.json        options, environment, cluster, timing: written at the start, completed at the end
//   results.json    the headline summary plus scenario details and SLO verdicts
//   <step>.json     one load step's LoadResult (and <step>-corrected.hgrm, -raw.hgrm, -series.csv)
import { z } from 'zod';
import { isoInstant } from './timestamps.ts';

export const benchRunSchema = z.looseObject({
  scenario: z.string(),
  /** Older runs: absent. */
  kind: z.string().optional(),
  argv: z.array(z.string()).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  target: z.string().optional(),
  startedAt: isoInstant,
  environment: z.looseObject({ cpuCount: z.number(), loadAverage1m: z.number() }).optional(),
  cluster: z.looseObject({}).nullable().optional(),
  /** Set at the end: absent while running or after a crash. */
  endedAt: isoInstant.optional(),
  wallMs: z.number().optional(),
  loadAverage1mAtEnd: z.number().optional(),
  aborted: z.boolean().optional(),
});
export type BenchRunFile = z.infer<typeof benchRunSchema>;

const latencySummary = z.looseObject({});

export const benchResultsSchema = z.looseObject({
  scenario: z.string(),
  mode: z.string().optional(),
  requests: z.number(),
  ok: z.number(),
  errors: z.number(),
  errorRate: z.number().optional(),
  latencyMs: z.looseObject({ corrected: latencySummary.nullable(), raw: latencySummary }),
  details: z.unknown().optional(),
  slo: z.array(z.looseObject({ rule: z.string(), passed: z.boolean() })).optional(),
  aborted: z.boolean().optional(),
});
export type BenchResultsFile = z.infer<typeof benchResultsSchema>;

const encodedHistogram = z.looseObject({ table: z.looseObject({ count: z.number() }), encoded: z.string() });

/** <step>.json: one load step (bench/load-result.ts toJson). */
export const benchStepSchema = z.looseObject({
  mode: z.string(),
  sent: z.number(),
  errorsTotal: z.number(),
  achievedRateRps: z.number(),
  corrected: encodedHistogram.nullable(),
  raw: encodedHistogram,
});
export type BenchStepFile = z.infer<typeof benchStepSchema>;
