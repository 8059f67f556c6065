// The run-file schemas: what an older run lacks still loads, a wrong timestamp format does not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchRunSchema, benchStepSchema } from './bench-run-files.ts';
import { chaosEventSchema, chaosResultsSchema, chaosRunSchema } from './chaos-run-files.ts';
import { checkedRunFile, schemaProblem } from './run-file-check.ts';

const olderChaosRun = { experiment: 'leader-kill', seed: 7, clientId: 'chaos-x', historyOriginEpochMs: 1_765_000_000_000, startedAt: '2026-12-01T10:00:00.000Z', trials: 3 };

test('an older chaos run.json without workload, liveness, git or versions parses', () => {
  assert.ok(chaosRunSchema.safeParse(olderChaosRun).success);
});

test('wall-clock fields are ISO strings: an epoch number or a local time is refused, naming the field', () => {
  const r = chaosRunSchema.safeParse({ ...olderChaosRun, startedAt: 1_765_000_000_000 });
  assert.not.ok(r.success);
  assert.match(schemaProblem('run.json', r.error!), /^run\.json at startedAt: /);
  assert.not.ok(benchRunSchema.safeParse({ scenario: '500rps', startedAt: '2026-12-01 10:00' }).success);
});

test('results.json of a run from before trialsPlanned, workloads and finishedAt parses; a bad verdict does not', () => {
  const q = { count: 1, p50: 1, p90: 1, p99: 1, max: 1 };
  const results = { verdict: 'valid', reason: null, experiment: 'leader-kill', seed: 7, trials: 1, electionMs: q, unavailabilityMs: q, writeLatencyMs: q,
    workload: { invoked: 1, ok: 1, fail: 0, info: 0 }, checks: {}, perTrial: [] };
  assert.ok(chaosResultsSchema.safeParse(results).success);
  assert.not.ok(chaosResultsSchema.safeParse({ ...results, verdict: 'fine' }).success);
});

test('events.jsonl lines are told apart by type', () => {
  assert.ok(chaosEventSchema.safeParse({ type: 'fault', phase: 'heal', atMs: 5, id: 'f1', describe: 'heal' }).success);
  assert.ok(chaosEventSchema.safeParse({ type: 'node', atMs: 5, node: 'node1', kind: 'became-leader' }).success);
  assert.not.ok(chaosEventSchema.safeParse({ type: 'fault', phase: 'undo', atMs: 5, id: 'f1', describe: 'x' }).success);
});

test('a writer gets its value back unchanged, or an error naming the file', () => {
  const step = { mode: 'open-loop', sent: 3, errorsTotal: 0, achievedRateRps: 1, corrected: null, raw: { table: { count: 3 }, encoded: 'x' }, extra: 1 };
  assert.is(checkedRunFile(benchStepSchema, 'steady.json', step), step);
  assert.throws(() => checkedRunFile(benchStepSchema, 'steady.json', { ...step, sent: 'three' }), /steady\.json at sent/);
});

test.run();
