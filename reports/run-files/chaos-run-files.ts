// The files of a chaos run folder, reports/runs/<stamp>-<experiment>/, as zod schemas: the
// runner validates what it writes (run-context.ts, phases/store.ts, phases/final-state.ts) and
// every reader (chaos/runner/stored-run.ts, the report) parses through them. Objects are loose:
// a field the schema does not name passes through. Fields older runs lack are optional here,
// and a reader says what is missing instead of failing on it. Timestamps: see timestamps.ts.
//   run.json          what was asked for, written at the start
//   results.json      verdict, checks, figures; written at the end (absent: the run did not finish)
//   history.jsonl     the client history (history-file.ts)
//   events.jsonl      faults, trials and node events by time
//   histograms.json   HdrHistograms, compressed base64, in microseconds
//   final-logs.json   every node's committed log read after the run
import { z } from 'zod';
import { storedClusterConfigSchema, storedGitStateSchema } from './stored-config.ts';
import { epochMs, isoInstant } from './timestamps.ts';

const gitState = storedGitStateSchema;

export const chaosRunSchema = z.looseObject({
  experiment: z.string(),
  seed: z.number().int(),
  clientId: z.string(),
  historyOriginEpochMs: epochMs,
  startedAt: isoInstant,
  trials: z.number().int().nonnegative(),
  rateRps: z.number().optional(),
  holdMs: z.number().optional(),
  concurrencyMax: z.number().optional(),
  recoveryTimeoutMs: z.number().optional(),
  /** Older runs: absent (append workload only). */
  workload: z.enum(['append', 'register', 'both']).optional(),
  registerKeys: z.array(z.string()).optional(),
  registerClients: z.number().int().optional(),
  unsafeStaleReads: z.boolean().optional(),
  checkBudgetMs: z.number().optional(),
  /** Older runs: absent; the liveness check then has no bounds to judge. */
  liveness: z.looseObject({ electionMsMax: z.number().optional(), unavailabilityMsMax: z.number().optional() }).nullable().optional(),
  pinnedClients: z.number().int().optional(),
  runtime: z.string().optional(),
  git: gitState.optional(),
  versions: z.looseObject({ project: z.string().nullable(), node: z.string(), platform: z.string() }).optional(),
  gatewayUrl: z.string().optional(),
  /** The cluster's configuration (null or absent: not known, e.g. a remote target). */
  config: storedClusterConfigSchema.nullable().optional(),
  /** The chaos CLI's arguments (runInfo); absent when a test called the runner. */
  argv: z.array(z.string()).optional(),
});
export type ChaosRunFile = z.infer<typeof chaosRunSchema>;

const quantiles = z.object({ count: z.number(), p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() });
const counts = z.looseObject({ invoked: z.number(), ok: z.number(), fail: z.number(), info: z.number(), skipped: z.number().optional() });
const checkResult = z.looseObject({ checker: z.string().optional(), valid: z.union([z.boolean(), z.literal('unknown')]), reason: z.string().nullable().optional() });
export type StoredCheckResult = z.infer<typeof checkResult>;

/** The lost-writes check's own figures (chaos/checker/lost-writes.ts). */
export const lostWritesFiguresSchema = z.looseObject({ lost: z.number(), acknowledged: z.number() });

export const trialRecordSchema = z.looseObject({
  trial: z.number().int(),
  fault: z.string().nullable(),
  faultAtMs: epochMs.nullable(),
  electionMs: z.number().nullable(),
  newLeader: z.string().nullable(),
  unavailabilityMs: z.number().nullable(),
  recovered: z.boolean(),
  recoveryMs: z.number(),
  expectsElection: z.boolean().optional(),
  note: z.string().optional(),
  isolated: z.object({ node: z.string(), faultAtMs: epochMs, healedAtMs: epochMs }).optional(),
});

export const chaosResultsSchema = z.looseObject({
  verdict: z.enum(['valid', 'invalid', 'unknown']),
  reason: z.string().nullable(),
  experiment: z.string(),
  seed: z.number().int(),
  trials: z.number().int(),
  /** Older runs: absent. */
  trialsPlanned: z.number().int().optional(),
  electionMs: quantiles,
  unavailabilityMs: quantiles,
  writeLatencyMs: quantiles,
  workload: counts,
  /** Older runs: absent (one append workload, counted in `workload`). */
  workloads: z.looseObject({ append: counts.optional(), register: counts.optional(), pinned: counts.optional() }).optional(),
  /** Older runs: absent; the report then takes the folder's time. */
  finishedAt: isoInstant.optional(),
  checks: z.record(z.string(), checkResult),
  checkMs: z.number().optional(),
  perTrial: z.array(trialRecordSchema),
});
export type ChaosResultsFile = z.infer<typeof chaosResultsSchema>;

/** One line of events.jsonl; `atMs` orders them (null: a trial with no fault). */
export const chaosEventSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('fault'), phase: z.enum(['inject', 'heal']), atMs: epochMs, id: z.string(), describe: z.string() }),
  trialRecordSchema.extend({ type: z.literal('trial'), atMs: epochMs.nullable() }),
  z.looseObject({ type: z.literal('node'), atMs: epochMs, node: z.string().optional(), kind: z.string().optional(), term: z.number().optional() }),
]);
export type ChaosEventLine = z.infer<typeof chaosEventSchema>;

export const chaosHistogramsSchema = z.looseObject({
  unit: z.literal('microseconds'),
  encoding: z.string(),
  electionMs: z.string(),
  unavailabilityMs: z.string(),
  writeLatencyMs: z.string(),
});
export type ChaosHistogramsFile = z.infer<typeof chaosHistogramsSchema>;

export const finalLogsSchema = z.looseObject({
  leader: z.string().nullable(),
  logs: z.array(z.looseObject({ node: z.string().optional() })),
  /** Older runs: absent. */
  compacted: z.array(z.tuple([z.number(), z.unknown()])).optional(),
  compactedError: z.string().optional(),
  duplicateProbes: z.array(z.unknown()).optional(),
});
