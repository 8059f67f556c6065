// Every fault kind injected and healed against a real 3-node cluster whose links all go
// through the proxy server: the toxics the proxy holds, the processes' states and what Raft
// does about it (new leader in a higher term, old leader following after the heal).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Cluster } from '../../test/cluster-harness.ts';
import type { Fault } from './fault.ts';
import type { Ledger } from './ledger.ts';
import type { Nemesis } from './nemesis.ts';
import { NemesisError } from './errors.ts';
import { eventually, nemesisFor, startProxiedCluster, toxicsByLink } from './nemesis-test-kit.ts';
import type { LocalRuntime } from '../runtime/local.ts';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { latencyToxic, resetPeerToxic } from './toxic-specs.ts';

let cluster: Cluster;
let nemesis: Nemesis;
let ledger: Ledger;
let toxiproxy: Toxiproxy;
let runtime: LocalRuntime;

test.before(async () => {
  cluster = await startProxiedCluster();
  ({ nemesis, ledger, toxiproxy, runtime } = nemesisFor(cluster, 42));
});
test.after(async () => {
  await cluster?.stop();
});

const both = ['timeout/downstream', 'timeout/upstream'];

async function termOf(id: string): Promise<number> {
  return (await cluster.status()).get(id)?.term ?? -1;
}

/** Every node answers and follows (or is) one leader, and every proxy is clean. */
async function settled(): Promise<string> {
  assert.equal(await toxicsByLink(toxiproxy), { toxics: {}, disabled: [] });
  return eventually('every node to agree on one leader', async () => {
    const st = [...(await cluster.status()).values()];
    const leader = st.find((s) => s?.state === 'LEADER')?.id;
    return leader && st.every((s) => s && (s.id === leader || (s.state === 'FOLLOWER' && s.leader === leader))) ? leader : null;
  });
}

async function rejects(fault: Fault): Promise<NemesisError> {
  try {
    await nemesis.inject(fault);
  } catch (err) {
    assert.instance(err, NemesisError);
    return err as NemesisError;
  }
  throw new Error(`inject(${JSON.stringify(fault)}) did not fail`);
}

test('isolate the leader: another node leads a higher term; after heal the old leader follows it', async () => {
  const old = await settled();
  const oldTerm = await termOf(old);
  const applied = await nemesis.inject({ kind: 'partition', shape: 'isolate-leader' });
  const others = cluster.nodeIds.filter((n) => n !== old);
  assert.equal(applied.grudge?.[old], others);
  assert.equal(ledger.pending().map((a) => a.id), [applied.id]);
  const expected: Record<string, string[]> = {};
  for (const o of others) { expected[`${old}_to_${o}`] = both; expected[`${o}_to_${old}`] = both; }
  assert.equal((await toxicsByLink(toxiproxy)).toxics, expected);

  const next = await eventually('a new leader among the majority', async () => {
    const st = await cluster.status();
    const l = others.find((o) => st.get(o)?.state === 'LEADER' && st.get(o)!.term > oldTerm);
    return l ?? null;
  });
  await nemesis.heal(applied);
  assert.equal(ledger.pending(), []);
  assert.equal((await toxicsByLink(toxiproxy)).toxics, {});
  await eventually(`${old} to follow ${next}`, async () => {
    const st = (await cluster.status()).get(old);
    return st?.state === 'FOLLOWER' && st.leader !== null && st.term >= (await termOf(next));
  });
});

test('pause the leader: a new leader is elected; heal resumes the old one and it follows', async () => {
  const old = await settled();
  const applied = await nemesis.inject({ kind: 'pause', target: { role: 'leader' } });
  assert.equal(applied.nodes, [old]);
  assert.equal(applied.undo, [{ kind: 'resume', member: old }]);
  assert.is((await runtime.info(old)).state, 'paused');
  const next = await cluster.waitForLeader({ exclude: [old] });
  assert.is.not(next, old);
  await nemesis.heal(applied);
  assert.is((await runtime.info(old)).state, 'running');
  await eventually(`${old} to follow`, async () => (await cluster.status()).get(old)?.state === 'FOLLOWER');
});

test('kill a follower: heal starts it again from its recorded command and it rejoins', async () => {
  const leader = await settled();
  const applied = await nemesis.inject({ kind: 'kill', target: { role: 'follower' } });
  const [victim] = applied.nodes;
  assert.ok(victim && victim !== leader);
  assert.is((await runtime.info(victim)).state, 'stopped');
  assert.is(await cluster.leader(), leader, 'a majority keeps its leader');
  await nemesis.heal(applied);
  assert.is((await runtime.info(victim)).state, 'running');
  await eventually(`${victim} to rejoin`, async () => (await cluster.status()).get(victim)?.state === 'FOLLOWER');
});

test('stop the leader (SIGTERM): a new leader; heal starts it again', async () => {
  const old = await settled();
  const applied = await nemesis.inject({ kind: 'stop', target: { role: 'leader' } });
  assert.match(applied.describe, new RegExp(`^stop ${old} \\(leader, term \\d+\\)$`));
  assert.is((await runtime.info(old)).state, 'stopped');
  await cluster.waitForLeader({ exclude: [old] });
  await nemesis.heal(applied);
  await eventually(`${old} to rejoin`, async () => (await cluster.status()).get(old)?.state === 'FOLLOWER');
});

test('one-way: only the leader\'s link to one follower is silenced, and the leader keeps its quorum', async () => {
  const leader = await settled();
  const applied = await nemesis.inject({ kind: 'partition', shape: 'one-way' });
  const [, to] = applied.nodes.includes(leader) ? [leader, applied.nodes.find((n) => n !== leader)!] : [];
  assert.ok(to, `one-way should start at the leader: ${applied.describe}`);
  assert.equal(applied.grudge, { [to!]: [leader] });
  assert.equal((await toxicsByLink(toxiproxy)).toxics, { [`${leader}_to_${to}`]: both });
  await nemesis.heal(applied);
  await settled();
});

test('bridge and majority-minority silence exactly their grudge links', async () => {
  await settled();
  const bridge = await nemesis.inject({ kind: 'partition', shape: 'bridge', nodes: ['node1', 'node2', 'node3'] });
  assert.equal(bridge.grudge, { node1: ['node3'], node3: ['node1'], node2: [] });
  assert.equal((await toxicsByLink(toxiproxy)).toxics, { node1_to_node3: both, node3_to_node1: both });
  await nemesis.heal(bridge);
  const split = await nemesis.inject({ kind: 'partition', shape: 'majority-minority', nodes: ['node2'] });
  assert.equal(Object.keys((await toxicsByLink(toxiproxy)).toxics).sort(), ['node1_to_node2', 'node2_to_node1', 'node2_to_node3', 'node3_to_node2']);
  await nemesis.heal(split);
  await settled();
});

test('link toxics: latency with jitter on every peer link, reset_peer on a named gateway link; heal removes them', async () => {
  await settled();
  const latency = await nemesis.inject({ kind: 'link-toxic', select: { links: 'peers' }, toxic: latencyToxic(20, 5) });
  const reset = await nemesis.inject({ kind: 'link-toxic', select: { links: 'named', names: ['gateway_to_node1'] }, toxic: resetPeerToxic(0, 'downstream') });
  const { toxics } = await toxicsByLink(toxiproxy);
  assert.is(Object.keys(toxics).length, 7);
  assert.equal(toxics.node1_to_node2, ['latency/upstream']);
  assert.equal(toxics.gateway_to_node1, ['reset_peer/downstream']);
  const lat = await (await toxiproxy.get('node2_to_node3')).getToxic<{ latency: number; jitter: number }>(`${latency.id}_latency_upstream`);
  assert.equal(lat.attributes, { latency: 20, jitter: 5 });
  assert.equal(ledger.pending().map((a) => a.id), [latency.id, reset.id]);
  const report = await nemesis.healAll();
  assert.equal(report.healed.map((h) => h.id), [reset.id, latency.id], 'newest first');
  assert.equal(report.failed, []);
  await settled();
});

test('transfer-leadership moves the lead to the named node and leaves nothing pending', async () => {
  const old = await settled();
  const to = cluster.nodeIds.find((n) => n !== old)!;
  const applied = await nemesis.inject({ kind: 'transfer-leadership', to });
  assert.equal(applied.undo, []);
  assert.equal(ledger.pending(), []);
  await eventually(`${to} to lead`, async () => (await cluster.leader()) === to);
});

test('faults that cannot apply fail typed, and leave nothing pending or applied', async () => {
  await settled();
  assert.is((await rejects({ kind: 'link-toxic', select: { links: 'named', names: ['node1_to_node2', 'node9_to_node1'] }, toxic: latencyToxic(5) })).code, 'LINK_MISSING');
  assert.equal((await toxicsByLink(toxiproxy)).toxics, {}, 'the link that did get its toxic was undone');
  assert.is((await rejects({ kind: 'partition', shape: 'ring' })).code, 'INVALID_FAULT');
  assert.is((await rejects({ kind: 'kill', target: { role: 'node', node: 'node7' } })).code, 'UNKNOWN_NODE');
  assert.equal(ledger.pending(), []);
  assert.equal(await runtime.info('node1').then((m) => m.state), 'running');
});

test('heal is idempotent: healing a healed fault again does nothing', async () => {
  await settled();
  const applied = await nemesis.inject({ kind: 'pause', target: { role: 'node', node: 'node3' } });
  await nemesis.heal(applied);
  assert.equal(await nemesis.heal(applied), { steps: [], errors: [] });
  assert.is((await runtime.info('node3')).state, 'running');
});

test.run();
