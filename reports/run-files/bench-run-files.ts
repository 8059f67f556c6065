// The files of a bench run folder, reports/runs/<stamp>-bench-<name>/, as zod schemas: bench/cli.ts
// and bench/report/run-folder.ts validate what they write, the report and compare parse through
// them. Loose objects; fields older runs lack are optional. Timestamps: see timestamps.ts.
//   run.json        options, environment, cluster, timing: written at the start, completed at the end
//   results.json    the headline summary plus scenario details and SLO verdicts
//   <step>.json     one load step's LoadResult (and <step>-corrected.hgrm, -raw.hgrm, -series.csv)
import { z } from 'zod';
import { storedClusterConfigSchema, storedGitStateSchema } from './stored-config.ts';
import { epochMs, isoInstant } from './timestamps.ts';

export const benchRunSchema = z.looseObject({
  scenario: z.string(),
  /** Older runs: absent. */
  kind: z.string().optional(),
  argv: z.array(z.string()).optional(),
  /** The parsed arguments (bench/cli/bench-args.ts ScenarioArgs); the ones a report shows are named. */
  options: z.looseObject({
    rateRps: z.number().optional(), connections: z.number().optional(), durationMs: z.number().optional(),
    warmupMs: z.number().optional(), workload: z.string().optional(), timeoutMs: z.number().optional(),
  }).optional(),
  target: z.string().optional(),
  runtime: z.string().optional(),
  startedAt: isoInstant,
  environment: z.looseObject({
    cpuCount: z.number(), loadAverage1m: z.number(),
    cpuModel: z.string().nullable().optional(), node: z.string().optional(), platform: z.string().optional(), git: storedGitStateSchema.optional(),
  }).optional(),
  cluster: z.looseObject({
    origin: z.string().optional(), gatewayUrl: z.string().optional(), config: storedClusterConfigSchema.nullable().optional(),
  }).nullable().optional(),
  /** Set at the end: absent while running or after a crash. */
  endedAt: isoInstant.optional(),
  wallMs: z.number().optional(),
  loadAverage1mAtEnd: z.number().optional(),
  aborted: z.boolean().optional(),
});
export type BenchRunFile = z.infer<typeof benchRunSchema>;

/** bench/report/run-summary.ts LatencySummaryMs. */
const latencySummary = z.looseObject({ count: z.number(), p50: z.number(), p90: z.number(), p99: z.number(), p999: z.number().optional(), max: z.number() });

/** One arm's figures in an alternated run (bench/scenarios/alternate.ts ArmFigures). */
const armFigures = z.record(z.string(), z.number());

/** What a scenario adds; only the parts a report reads are named. */
const benchDetails = z.looseObject({
  /** The measured steps by name (the rest, e.g. warm-up, is left out of the headline); `max` stores each step's figures with its name. */
  steps: z.array(z.union([z.string(), z.looseObject({ step: z.string() })])).optional(),
  alternation: z.looseObject({
    completeRounds: z.number().optional(),
    medians: z.record(z.string(), armFigures).optional(),
    perRound: z.record(z.string(), z.array(armFigures)).optional(),
  }).optional(),
});

/** bench/report/run-summary.ts GeneratorSummary. */
const generatorSummary = z.looseObject({
  cpuPercent: z.number(),
  lagMs: z.looseObject({ p50: z.number(), p99: z.number(), max: z.number() }).nullable(),
  eventLoopDelayMsP99: z.number(),
  bottleneck: z.boolean(),
  warnings: z.array(z.string()).optional(),
});

export const benchResultsSchema = z.looseObject({
  scenario: z.string(),
  mode: z.string().optional(),
  requests: z.number(),
  ok: z.number(),
  errors: z.number(),
  errorRate: z.number().optional(),
  okPerSec: z.number().optional(),
  targetRateRps: z.number().nullable().optional(),
  errorsByKind: z.record(z.string(), z.number()).optional(),
  errorSamples: z.record(z.string(), z.string()).optional(),
  latencyMs: z.looseObject({ corrected: latencySummary.nullable(), raw: latencySummary }),
  generator: generatorSummary.optional(),
  details: benchDetails.optional(),
  slo: z.array(z.looseObject({ rule: z.string(), actual: z.number(), passed: z.boolean() })).optional(),
  aborted: z.boolean().optional(),
});
export type BenchResultsFile = z.infer<typeof benchResultsSchema>;

const encodedHistogram = z.looseObject({ table: z.looseObject({ count: z.number() }), encoded: z.string() });

/** <step>.json: one load step (bench/load-result.ts toJson). */
export const benchStepSchema = z.looseObject({
  mode: z.string(),
  /** Older step files: absent; such a step has no place on the timeline. */
  startedAtEpochMs: epochMs.optional(),
  elapsedMs: z.number().optional(),
  durationMs: z.number().optional(),
  targetRateRps: z.number().nullable().optional(),
  ok: z.number().optional(),
  series: z.array(z.looseObject({
    second: z.number(), sent: z.number(), ok: z.number(), errors: z.number(),
    latencyMsP50: z.number().nullable(), latencyMsP99: z.number().nullable(),
  })).optional(),
  sent: z.number(),
  errorsTotal: z.number(),
  achievedRateRps: z.number(),
  corrected: encodedHistogram.nullable(),
  raw: encodedHistogram,
});
export type BenchStepFile = z.infer<typeof benchStepSchema>;
