// The two experiments that leave an old leader cut off while the others move on, one trial each
// against one real proxied cluster with the sync ledger (power loss needs it): each ends valid on
// the unmodified code, chains its faults as it says, and leaves every node running.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { experimentBench } from '../../test/cluster-harness.ts';
import { runExperiment } from '../runner/run-experiment.ts';
import { openLocalTarget } from '../runner/local-target.ts';
import type { Experiment } from './experiment.ts';
import { pauseIsolatedLeaderExperiment } from './pause-isolated-leader.ts';
import { powerLossEnv } from './power-loss.ts';
import { powerLossFollowersExperiment } from './power-loss-followers.ts';

const bench = experimentBench(test, { env: { ...powerLossEnv } });

async function runOne(experiment: Experiment, seed: number, holdMs: number) {
  const lines: string[] = [];
  const { target } = await openLocalTarget(bench.cluster.config, bench.cluster.manager, seed);
  const outcome = await runExperiment(target, {
    experiment, trials: 1, seed, rateRps: 25, holdMs, concurrencyMax: 64, recoveryTimeoutMs: 30_000, runsDir: bench.runsDir, log: (l) => lines.push(l),
  });
  const events = readFileSync(join(outcome.runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const injected = events.filter((e) => e.type === 'fault' && e.phase === 'inject');
  for (const m of await target.runtime.list()) assert.is(m.state, 'running', `${m.name} left ${m.state}\n${lines.join('\n')}`);
  return { outcome, injected, log: lines.join('\n') };
}

test('pause-isolated-leader: the leader cut off and paused, the others elect; it resumes and steps down; valid', async () => {
  const { outcome, injected, log } = await runOne(pauseIsolatedLeaderExperiment, 5, 2000);
  assert.is(outcome.verdict, 'valid', `${outcome.results.reason}\n${log}`);
  assert.is(injected.length, 2, log);
  const isolated = /isolate leader (node\d+)/.exec(String(injected[0]!.describe))?.[1];
  assert.match(String(injected[1]!.describe), new RegExp(`^pause ${isolated} `));
  const t = outcome.results.perTrial[0]!;
  assert.ok(t.newLeader !== null && t.newLeader !== isolated, `new leader ${t.newLeader}, isolated ${isolated}`);
  // The deposed-leader check ran for this trial: the old leader stepped down after it resumed.
  const deposed = outcome.results.checks['deposed-leader'];
  assert.ok(deposed?.valid === true, JSON.stringify(deposed));
});

test('power-loss-followers: both followers lose power and restart cut off from the leader, elect among themselves; valid', async () => {
  const { outcome, injected, log } = await runOne(powerLossFollowersExperiment, 6, 500);
  assert.is(outcome.verdict, 'valid', `${outcome.results.reason}\n${log}`);
  assert.is(injected.length, 2, log);
  const cutNodes = injected[0]!.nodes as string[];
  assert.is(cutNodes.length, 2, String(injected[0]!.describe));
  const oldLeader = bench.cluster.config.nodes.map((n) => n.id).find((n) => !cutNodes.includes(n));
  assert.match(String(injected[1]!.describe), new RegExp(`isolate ${oldLeader}`));
  const t = outcome.results.perTrial[0]!;
  assert.ok(t.newLeader !== null && cutNodes.includes(t.newLeader), `new leader ${t.newLeader}, cut ${cutNodes.join(',')}`);
});

test.run();
