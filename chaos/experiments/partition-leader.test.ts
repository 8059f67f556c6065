// partition-leader against a real cluster whose links run through the proxy: the isolated leader
// steps down, the majority elects another, nothing acknowledged is lost, and the partition is healed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { experimentBench } from '../../test/cluster-harness.ts';
import { runExperiment } from '../runner/run-experiment.ts';
import { openLocalTarget } from '../runner/local-target.ts';
import { partitionLeader } from './partition-leader.ts';

const bench = experimentBench(test);

test('isolated leader steps down, a majority node leads, verdict valid, no toxic left', async () => {
  assert.is(bench.cluster.config.links.mode, 'toxiproxy', 'the harness cluster must run its links through the proxy');
  const lines: string[] = [];
  const { target } = await openLocalTarget(bench.cluster.config, bench.cluster.manager, 5);
  const outcome = await runExperiment(target, {
    experiment: partitionLeader, trials: 1, seed: 5, rateRps: 20, holdMs: 1500, concurrencyMax: 32,
    recoveryTimeoutMs: 15_000, runsDir: bench.runsDir, log: (l) => lines.push(l),
  });
  assert.is(outcome.verdict, 'valid', `${outcome.results.reason}\n${lines.join('\n')}`);
  assert.is(outcome.results.checks['deposed-leader']?.valid, true);
  const t = outcome.results.perTrial[0]!;
  // The leader of the moment of the fault (it may have changed since the cluster started).
  const isolated = /isolate leader (node\d+)/.exec(t.fault ?? '')?.[1];
  assert.ok(isolated, t.fault ?? 'no fault');
  assert.ok(t.newLeader !== null && t.newLeader !== isolated, `new leader ${t.newLeader}, isolated ${isolated}`);
  const events = readFileSync(join(outcome.runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(events.some((e) => e.type === 'node' && e.node === isolated && e.kind === 'step-down' && e.ts >= t.faultAtMs!), 'step-down recorded');
  // Toxiproxy's own API: GET /proxies lists every proxy with its toxics.
  const proxies = await (await fetch(`${bench.cluster.config.links.toxiproxyUrl}/proxies`)).json() as Record<string, { toxics: unknown[] }>;
  assert.ok(Object.keys(proxies).length > 0, 'the proxy knows the links');
  for (const [name, proxy] of Object.entries(proxies)) assert.is(proxy.toxics.length, 0, `${name} still has ${proxy.toxics.length} toxic(s)`);
});

test.run();
