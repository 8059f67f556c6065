// disk-loss and power-loss against a real cluster (sync ledger on, as power-loss needs): the
// target is down with its data wiped / its unsynced tail cut, the undo is a plain start that a
// process knowing only the ledger runs, and the cluster elects and serves afterwards.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCluster, type Cluster } from '../../../test/cluster-harness.ts';
import { healPending } from '../heal.ts';
import { Ledger, ledgerPath } from '../ledger.ts';
import { nemesisFor } from '../nemesis-test-kit.ts';
import { LocalRuntime } from '../../runtime/local.ts';

let cluster: Cluster;

test.before(async () => {
  cluster = await startCluster({ nodes: 3, readyTimeoutMs: 60_000, env: { RAFT_SYNC_LEDGER: '1', RAFT_FSYNC_DELAY_MS: '15' } });
});

test.after(async () => {
  await cluster?.stop();
});

const healFromLedger = () => healPending({
  runtime: new LocalRuntime(cluster.manager), toxiproxy: new Toxiproxy(cluster.config.links.toxiproxyUrl),
  ledger: new Ledger(ledgerPath(cluster.dataDir)),
});

test('the local runtime tells where a node keeps its data, and nothing for the gateway', () => {
  const runtime = new LocalRuntime(cluster.manager);
  assert.is(runtime.dataDir('node2'), join(cluster.dataDir, 'node2'));
  assert.is(runtime.dataDir('gateway'), null);
});

test('disk-loss: the follower is down with an empty data dir; a ledger-only heal starts it and it catches up', async () => {
  const { nemesis, runtime } = nemesisFor(cluster, 5);
  await cluster.waitForLeader({ timeoutMs: 60_000 });
  const applied = await nemesis.inject({ kind: 'disk-loss', target: { role: 'follower' } });
  const node = applied.nodes[0]!;
  assert.equal(applied.undo, [{ kind: 'start', member: node }]);
  assert.is((await runtime.info(node)).state, 'stopped');
  assert.equal(readdirSync(join(cluster.dataDir, node)), [], 'data dir emptied');
  const report = await healFromLedger();
  assert.equal(report.failed, []);
  assert.is((await runtime.info(node)).state, 'running');
  // The wiped node writes its identity again and rejoins; the cluster keeps a leader.
  await cluster.waitForLeader({ timeoutMs: 60_000 });
  const deadline = Date.now() + 30_000;
  while (!existsSync(join(cluster.dataDir, node, 'identity.json')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.ok(existsSync(join(cluster.dataDir, node, 'identity.json')), `${node} wrote its identity again`);
});

test('power-loss of the whole cluster: every node killed and cut, one start-all undo, a leader again', async () => {
  const { nemesis, runtime } = nemesisFor(cluster, 9);
  await cluster.waitForLeader({ timeoutMs: 60_000 });
  const applied = await nemesis.inject({ kind: 'power-loss', target: { role: 'all' } });
  assert.equal([...applied.nodes].sort(), ['node1', 'node2', 'node3']);
  assert.equal(applied.undo, [{ kind: 'start-all', members: applied.nodes }]);
  assert.match(applied.describe, /unsynced writes dropped, cut seed \d+/);
  for (const n of applied.nodes) assert.is((await runtime.info(n)).state, 'stopped', n);
  const report = await healFromLedger();
  assert.equal(report.failed, []);
  for (const n of applied.nodes) assert.is((await runtime.info(n)).state, 'running', n);
  await cluster.waitForLeader({ timeoutMs: 60_000 });
});

test.run();
