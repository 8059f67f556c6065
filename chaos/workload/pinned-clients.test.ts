// Clients pinned to nodes on a real 3-node cluster: each process talks to its own node, a
// follower's 421 hint leads it to the leader, every function succeeds through every node, and the
// history is linearizable; a hint naming a non-member is never followed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../cluster/common/rng.ts';
import { startCluster, type Cluster } from '../../test/cluster-harness.ts';
import { casRegister } from '../checker/cas-register.ts';
import { pairOperations } from '../../reports/run-files/history-file.ts';
import { checkLinearizable } from '../checker/linearizability.ts';
import { HistoryRecorder } from './history-recorder.ts';
import { RegisterWorkload } from './register-workload.ts';
import { RunClock } from './run-clock.ts';

let cluster: Cluster;

test.before(async () => {
  cluster = await startCluster();
  await cluster.waitForLeader();
});
test.after(async () => { await cluster?.stop(); });

async function run(nodes: { id: string; url: string }[], ms: number, clientId: string) {
  const history = new HistoryRecorder(new RunClock());
  const w = new RegisterWorkload({
    gatewayUrl: cluster.gatewayUrl, rateRps: 120, clients: 6, keys: [`${clientId}-a`, `${clientId}-b`],
    timeoutMs: 4000, clientId, rng: new Rng(11), history, pinnedNodes: nodes, idPrefix: 'p',
  });
  w.start();
  await new Promise((r) => setTimeout(r, ms));
  await w.close();
  return { ops: pairOperations(history.events), stats: w.stats() };
}

test('pinned clients follow 421 hints to the leader and the history is linearizable', async () => {
  const nodes = cluster.nodeIds.map((id) => ({ id, url: cluster.nodeUrl(id) }));
  const { ops, stats } = await run(nodes, 1500, 'pin-ok');
  assert.ok(ops.length > 60, `${ops.length} ops`);
  assert.ok(stats.ok > ops.length * 0.9, `most calls succeed through followers too: ${JSON.stringify(stats)}`);
  for (const f of ['read', 'write', 'cas']) assert.ok(ops.some((op) => op.f === f && op.outcome === 'ok'), `some ${f} ok`);
  assert.ok(ops.filter((op) => op.f === 'write').every((op) => String(op.input).startsWith('p')), 'values carry the prefix');
  const r = checkLinearizable(casRegister, ops, { budgetMs: 20_000 });
  assert.is(r.valid, true, r.reason);
});

test('a hint to an address that is not a member is not followed', async () => {
  // Pinned only to followers, with their member list holding just themselves: the leader's URL
  // in every 421 is not a listed member, so calls end as the node's own refusal (fail), never sent elsewhere.
  const leader = await cluster.waitForLeader();
  const followers = cluster.nodeIds.filter((id) => id !== leader).map((id) => ({ id, url: cluster.nodeUrl(id) }));
  const { ops, stats } = await run(followers, 500, 'pin-hint');
  assert.ok(ops.length > 10);
  assert.is(stats.ok, 0, 'nothing reached the leader');
  assert.ok(ops.every((op) => op.outcome === 'fail'), 'a 421 refusal is a fail: the node did not propose');
});

test.run();
