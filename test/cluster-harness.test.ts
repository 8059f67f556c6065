import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasEnded } from '../cluster/local/proc-stat.ts';
import { readyLimitMs, startCluster, type Cluster } from './cluster-harness.ts';
import { eventually } from './eventually.ts';

let cluster: Cluster;

test.before(async () => {
  cluster = await startCluster({ nodes: 3, env: { RAFT_FSYNC: 'never' } });
});
test.after(async () => {
  await cluster?.stop();
});


test('a started cluster has one leader, a gateway that knows it, and ports away from the defaults', async () => {
  const statuses = await cluster.status();
  assert.is(statuses.size, 3);
  const leaders = [...statuses.values()].filter((s) => s?.state === 'LEADER');
  assert.is(leaders.length, 1);
  assert.is(await cluster.leader(), leaders[0]!.id);
  assert.ok(cluster.config.basePort >= 20_000 && cluster.config.gateway.port >= 20_000);
  const res = await fetch(`${cluster.gatewayUrl}/api/status`, { signal: AbortSignal.timeout(2000) });
  assert.is(res.status, 200);
  assert.ok(cluster.dataDir.includes('raft-cluster-'));
});

test('killing the leader elects another; the restarted node rejoins as a follower', async () => {
  const old = await cluster.waitForLeader();
  const killed = await cluster.kill(old);
  assert.is(killed.signal, 'SIGKILL');
  assert.ok(hasEnded(killed.pid));
  const next = await cluster.waitForLeader({ exclude: [old] });
  assert.is.not(next, old);
  await cluster.restart(old);
  await eventually(`${old} to follow ${next}`, async () => {
    const st = (await cluster.status()).get(old);
    return st?.state === 'FOLLOWER' && st.leader !== null;
  });
});

test('a paused node stops answering and answers again after resume', async () => {
  const leader = await cluster.waitForLeader();
  const follower = cluster.nodeIds.find((id) => id !== leader)!;
  const paused = await cluster.pause(follower);
  assert.is(paused.paused, true);
  assert.is((await cluster.status()).get(follower), null);
  await cluster.resume(follower);
  await eventually(`${follower} to answer`, async () => (await cluster.status()).get(follower));
});

test('stop() ends every process and removes the temp dir', async () => {
  const c = await startCluster({ nodes: 1, env: { RAFT_FSYNC: 'never' } });
  const pids = c.manager.list().map((p) => p.pid);
  assert.equal(c.manager.names().sort(), ['gateway', 'node1', 'toxiproxy'], 'one node, the gateway and the links proxy');
  await c.stop();
  await c.stop();
  for (const pid of pids) assert.ok(hasEnded(pid), `pid ${pid} still runs`);
  assert.is(existsSync(c.dataDir), false);
});

test('the start limit grows with the load per core (up to 6x) and CLUSTER_READY_TIMEOUT_MS sets it outright', () => {
  assert.is(readyLimitMs(20_000, {}, 0.5, 2), 20_000);
  assert.is(readyLimitMs(20_000, {}, 6, 2), 60_000);
  assert.is(readyLimitMs(20_000, {}, 31, 2), 120_000);
  assert.is(readyLimitMs(20_000, { CLUSTER_READY_TIMEOUT_MS: '5000' }, 31, 2), 5000);
});

test('a start that does not get ready names the process it waited for and its last log lines', async () => {
  // No election can end within the limit: the node answers, as a follower, and never leads.
  const started = startCluster({ nodes: 1, readyTimeoutMs: 1500, env: { RAFT_FSYNC: 'never', RAFT_ELECTION_TIMEOUT_MS_MIN: '600000', RAFT_ELECTION_TIMEOUT_MS_MAX: '700000' } });
  const err = await started.then(async (c) => { await c.stop(); return null; }, (e: Error) => e);
  assert.ok(err, 'the start should have failed');
  assert.match(err!.message, /^cluster start: node1 not ready within \d+ ms \(load [\d.]+ on \d+ cores; CLUSTER_READY_TIMEOUT_MS sets the limit\): no leader elected/);
  assert.match(err!.message, /\n--- node1, last log lines:\n\S/);
});

test('a test process that crashes leaves no cluster process and no temp dir behind', async () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/harness-crash.ts'], {
    encoding: 'utf8', timeout: readyLimitMs(20_000) + 30_000, env: { ...process.env, RAFT_FSYNC: 'never' },
  });
  assert.is.not(run.status, 0);
  assert.match(run.stderr, /deliberate crash/);
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
  assert.ok(line, `fixture printed no pids; stderr: ${run.stderr}`);
  const { pids, dataDir } = JSON.parse(line) as { pids: number[]; dataDir: string };
  assert.is(pids.length, 5, 'three nodes, the gateway and the links proxy');
  // The hook's SIGKILL is sent before the fixture exits, but a loaded kernel may take a moment
  // to tear the targets down.
  const deadline = Date.now() + 3000;
  while (pids.some((pid) => !hasEnded(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids) assert.ok(hasEnded(pid), `pid ${pid} survived the crash`);
  assert.is(existsSync(dataDir), false);
});

test.run();
