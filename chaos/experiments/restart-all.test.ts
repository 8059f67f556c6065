// restart-all against a real cluster: every node down at once, then started together. The
// nemesis records one start-all undo step, which a process that knows only the ledger heals;
// the experiment's run is valid, every node is a new process, and a leader is elected again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { experimentBench } from '../../test/cluster-harness.ts';
import { healPending } from '../nemesis/heal.ts';
import { Ledger, ledgerPath } from '../nemesis/ledger.ts';
import { nemesisFor } from '../nemesis/nemesis-test-kit.ts';
import { runExperiment } from '../runner/run-experiment.ts';
import { openLocalTarget } from '../runner/local-target.ts';
import { LocalRuntime } from '../runtime/local.ts';
import { restartAll } from './restart-all.ts';

const bench = experimentBench(test);

const nodeStates = async (runtime: LocalRuntime) =>
  Object.fromEntries((await runtime.list()).filter((m) => m.name.startsWith('node')).map((m) => [m.name, m.state]));

test('restart-all stops every node; a ledger-only heal starts them all again', async () => {
  const { nemesis, runtime } = nemesisFor(bench.cluster, 3);
  const applied = await nemesis.inject({ kind: 'restart-all' });
  assert.equal([...applied.nodes].sort(), ['node1', 'node2', 'node3']);
  assert.equal(applied.undo, [{ kind: 'start-all', members: applied.nodes }]);
  assert.equal(await nodeStates(runtime), { node1: 'stopped', node2: 'stopped', node3: 'stopped' });
  // A later process: a fresh ledger reader and runtime, nothing from the nemesis that injected.
  const report = await healPending({
    runtime: new LocalRuntime(bench.cluster.manager), toxiproxy: new Toxiproxy(bench.cluster.config.links.toxiproxyUrl),
    ledger: new Ledger(ledgerPath(bench.cluster.dataDir)),
  });
  assert.equal(report.failed, []);
  assert.equal(report.healed.map((h) => h.id), [applied.id]);
  assert.equal(await nodeStates(runtime), { node1: 'running', node2: 'running', node3: 'running' });
  assert.equal(new Ledger(ledgerPath(bench.cluster.dataDir)).pending(), []);
  // Throws unless a leader is elected from what the disks held.
  await bench.cluster.waitForLeader({ timeoutMs: 60_000 });
});

test('the restart-all experiment: valid, every node a new process, a leader elected after the restart', async () => {
  const lines: string[] = [];
  const { target } = await openLocalTarget(bench.cluster.config, bench.cluster.manager, 11);
  const pidsBefore = Object.fromEntries((await target.runtime.list()).map((m) => [m.name, m.ref]));
  const outcome = await runExperiment(target, {
    experiment: restartAll, trials: 1, seed: 11, rateRps: 20, holdMs: 500, concurrencyMax: 32,
    recoveryTimeoutMs: 60_000, runsDir: bench.runsDir, log: (l) => lines.push(l),
  });
  assert.is(outcome.verdict, 'valid', `${outcome.results.reason}\n${lines.join('\n')}`);
  const t = outcome.results.perTrial[0]!;
  assert.match(t.fault ?? '', /^restart-all: kill node1, node2, node3/);
  assert.ok(t.recovered, lines.join('\n'));
  assert.ok(t.newLeader !== null && t.electionMs !== null && t.electionMs >= 0, `election ${t.electionMs} (${t.newLeader})`);
  for (const m of await target.runtime.list()) {
    if (!m.name.startsWith('node')) continue;
    assert.is(m.state, 'running', m.name);
    assert.is.not(m.ref, pidsBefore[m.name], `${m.name} is a new process`);
  }
  const events = readFileSync(join(outcome.runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const injected = events.filter((e) => e.type === 'fault' && e.phase === 'inject');
  assert.is(injected.length, 1);
  assert.equal(injected[0].nodes, ['node1', 'node2', 'node3']);
  // The measurements count from the restart, after the kill and the 500 ms hold (a timer and
  // Date.now() may disagree by a millisecond: CI saw 499).
  assert.ok(t.faultAtMs! >= injected[0].atMs + 498, `measured from ${t.faultAtMs}, injected at ${injected[0].atMs}`);
});

test.run();
