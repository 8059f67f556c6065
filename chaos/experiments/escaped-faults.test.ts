// The experiments for what used to escape, one trial each against one real proxied cluster:
// each ends valid on the unmodified code, does what it says (two faults chained in one trial,
// gateway links cut, fail/info outcomes past the gateway deadline, a wiped node rejoining), and
// leaves no toxic and no stopped node behind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { experimentBench } from '../../test/cluster-harness.ts';
import { runExperiment, type RunOptions } from '../runner/run-experiment.ts';
import { openLocalTarget } from '../runner/local-target.ts';
import type { Experiment } from './experiment.ts';
import { diskLossChainExperiment } from './disk-loss-chain.ts';
import { isolateThenKillExperiment } from './isolate-then-kill.ts';
import { majorityDownExperiment } from './majority-down.ts';
import { partitionGatewayExperiment } from './partition-gateway.ts';
import { slowThenKillExperiment } from './slow-then-kill.ts';

const bench = experimentBench(test);

async function runOne(experiment: Experiment, seed: number, holdMs: number, extra: Partial<RunOptions> = {}) {
  const lines: string[] = [];
  const { target } = await openLocalTarget(bench.cluster.config, bench.cluster.manager, seed);
  const outcome = await runExperiment(target, {
    experiment, trials: 1, seed, rateRps: 25, holdMs, concurrencyMax: 64, recoveryTimeoutMs: 30_000, runsDir: bench.runsDir, log: (l) => lines.push(l), ...extra,
  });
  const events = readFileSync(join(outcome.runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const injected = events.filter((e) => e.type === 'fault' && e.phase === 'inject').map((e) => String(e.describe));
  for (const m of await target.runtime.list()) assert.is(m.state, 'running', `${m.name} left ${m.state}\n${lines.join('\n')}`);
  return { outcome, lines, injected, log: lines.join('\n') };
}

test('isolate-then-kill: a partition of the leader, then a kill of the new leader, valid', async () => {
  const { outcome, injected, log } = await runOne(isolateThenKillExperiment, 3, 800);
  assert.is(outcome.verdict, 'valid', `${outcome.results.reason}\n${log}`);
  assert.is(injected.length, 2, injected.join('\n'));
  const isolated = /isolate leader (node\d+)/.exec(injected[0]!)?.[1];
  const killed = /^kill (node\d+)/.exec(injected[1]!)?.[1];
  assert.ok(isolated && killed && isolated !== killed, `isolated ${isolated}, then killed ${killed}`);
});

test('slow-then-kill: latency into a follower, then the leader killed, valid', async () => {
  const { outcome, injected, log } = await runOne(slowThenKillExperiment, 4, 800);
  assert.is(outcome.verdict, 'valid', `${outcome.results.reason}\n${log}`);
  assert.match(injected[0]!, /^latency .* of node\d+_to_node\d+/);
  assert.match(injected[1] ?? '', /^kill node\d+ \(leader/);
});

test('partition-gateway: the gateway links are cut too, valid', async () => {
  const { outcome, injected, log } = await runOne(partitionGatewayExperiment, 6, 3500);
  assert.is(outcome.verdict, 'valid', `${outcome.results.reason}\n${log}`);
  assert.ok(injected.some((d) => /gateway_to_node\d/.test(d)), injected.join('\n'));
});

test('majority-down: past the gateway deadline, fail and info outcomes occur and are judged valid', async () => {
  const { outcome, log } = await runOne(majorityDownExperiment, 8, 4000, { workload: 'append', pinnedClients: 0 });
  assert.is(outcome.verdict, 'valid', `${outcome.results.reason}\n${log}`);
  const w = outcome.results.workload;
  assert.ok(w.fail + w.info > 0, `fail ${w.fail}, info ${w.info}\n${log}`);
  assert.is(outcome.results.checks['failed-not-applied']?.valid, true);
});

test('disk-loss-chain: A stopped, B wiped, leader killed, A back: nothing acknowledged lost', async () => {
  const { outcome, injected, log } = await runOne(diskLossChainExperiment, 9, 1500, { workload: 'append', pinnedClients: 0 });
  assert.is(outcome.verdict, 'valid', `${outcome.results.reason}\n${log}`);
  assert.equal(injected.map((d) => d.split(' ')[0]), ['stop', 'disk-loss', 'kill'], injected.join('\n'));
  assert.is(outcome.results.checks['lost-writes']?.valid, true);
});

test.run();
