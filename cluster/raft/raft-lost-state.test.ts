// Lost-state rule: a node whose disk was wiped rejoins as a non-voter until it holds what the
// leader had committed. Without it, Raft's majority-intersection argument (§5.4) breaks: the
// wiped node was part of the majority that committed entries it no longer holds.
import assert from 'node:assert/strict';
import { test } from 'uvu';
import type { Message } from './messages.ts';
import { TestNetwork } from './test-network.ts';

/** a leads; c is cut off; writes commit on a+b; b loses its disk and restarts. */
function lostDiskScenario(catchingUp: boolean): { net: TestNetwork; committed: number } {
  const net = new TestNetwork(['a', 'b', 'c'], { tuning: { preVote: true, checkQuorum: true } });
  net.elect('a');
  net.propose(['early']);
  net.settle();
  net.isolate('c');
  net.propose(['w1', 'w2', 'w3']);
  net.settle();
  const committed = net.node('a').status().commit;
  assert.equal(net.node('b').status().commit, committed, 'b held every acknowledged write before the wipe');
  assert.ok(net.node('c').status().lastIndex < committed, 'c misses the last writes');
  net.host('b').wipe(catchingUp);
  return { net, committed };
}

test('lost state: without the rule, the wiped node elects the stale one and committed entries are lost (the bug)', () => {
  const { net, committed } = lostDiskScenario(false);
  net.isolate('a'); // the leader dies before b is refilled
  net.heal();
  net.isolate('a');
  const st = () => ['b', 'c'].map((id) => net.node(id).status());
  // The network's safety check sees c's leadership apply other entries at committed indices.
  assert.throws(() => {
    net.tickUntil(() => st().some((s) => s.role === 'LEADER'), 200);
    net.propose(['late1', 'late2', 'late3', 'late4']);
    net.settle();
  }, /index \d+ applied as/);
  const leader = st().find((s) => s.role === 'LEADER')!;
  assert.equal(leader.id, 'c', 'the empty b voted for the stale c');
});

test('lost state: a catching-up node grants no vote or prevote and never campaigns', () => {
  const { net } = lostDiskScenario(true);
  const sentBefore = net.sent.length;
  net.isolate('a');
  net.heal();
  net.isolate('a');
  net.tick(200, ['b', 'c']);
  for (const id of ['b', 'c']) assert.notEqual(net.node(id).status().role, 'LEADER', `${id} must not lead without a`);
  assert.equal(net.node('b').status().catchingUp, true);
  const bSent = net.sent.slice(sentBefore).filter((m) => m.from === 'b');
  assert.ok(!bSent.some((m) => m.type === 'vote' || m.type === 'prevote'), 'b never campaigned');
  const grants = bSent.filter((m): m is Extract<Message, { type: 'voteResp' | 'prevoteResp' }> => m.type === 'voteResp' || m.type === 'prevoteResp');
  assert.ok(grants.length > 0, 'c asked b');
  assert.ok(grants.every((m) => !m.granted), 'b refused every (pre)vote');
  // The old leader comes back: it still holds everything, and the cluster resumes with it.
  net.heal();
  net.tickUntil(() => net.leader() !== null && !net.node('b').status().catchingUp, 400);
  assert.equal(net.node(net.leader()!).status().lastIndex >= 4, true);
});

test('lost state: a wiped follower catches up from the live leader, then votes, and a later failover keeps every write', () => {
  const { net, committed } = lostDiskScenario(true);
  net.tickUntil(() => !net.node('b').status().catchingUp, 100);
  assert.ok(net.host('b').events.some((e) => e.kind === 'caught-up'), 'b reported caught-up for the host to persist');
  assert.ok(net.host('b').storage.entries.length >= committed, 'b is durable up to the commit before it votes again');
  // Now the leader dies and the stale c returns: b must win (it has the writes), not c.
  net.heal();
  net.isolate('a');
  net.tickUntil(() => ['b', 'c'].some((id) => net.node(id).status().role === 'LEADER'), 300);
  const leader = ['b', 'c'].find((id) => net.node(id).status().role === 'LEADER')!;
  assert.equal(leader, 'b');
  net.propose(['after']);
  net.settle();
  const applied = net.host('c').applied;
  assert.deepEqual(applied.slice(0, 4), ['early', 'w1', 'w2', 'w3'], 'no acknowledged write lost');
});

test('lost state: the leader does not count a catching-up follower towards commit', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  net.settle();
  net.isolate('c');
  const a = net.node('a');
  const commitBefore = a.status().commit;
  const { lastIndex, term } = net.propose(['x']);
  net.discard(() => true);
  a.step({ type: 'appendResp', from: 'b', to: 'a', term, success: true, index: lastIndex, hintIndex: 0, hintTerm: 0, catchingUp: true });
  net.process('a');
  assert.equal(a.status().commit, commitBefore, 'an ack from a catching-up node commits nothing');
  const probe = net.discard((m) => m.from === 'a' && m.to === 'b');
  assert.ok(probe.some((m) => m.type === 'append' && m.prevIndex === 0), 'the leader forgot b\'s old match and replicates from the start');
  a.step({ type: 'appendResp', from: 'b', to: 'a', term, success: true, index: lastIndex, hintIndex: 0, hintTerm: 0 });
  net.process('a');
  assert.equal(a.status().commit, lastIndex, 'once b no longer says catching-up its ack counts');
});

test('lost state: an idle leader learns from heartbeat responses that a follower was wiped', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  net.propose(['x', 'y']);
  net.settle();
  net.host('b').wipe(true);
  net.tickUntil(() => !net.node('b').status().catchingUp, 100);
  assert.deepEqual(net.host('b').applied, ['x', 'y']);
});

test('lost state: a wipe with nothing else going on recovers fully, and writes go on', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  net.propose(['1', '2', '3']);
  net.settle();
  net.host('c').wipe(true);
  net.propose(['4']);
  net.tickUntil(() => !net.node('c').status().catchingUp, 100);
  net.propose(['5']);
  net.settle();
  for (const id of ['a', 'b', 'c']) assert.deepEqual(net.host(id).applied, ['1', '2', '3', '4', '5'], id);
});

test.run();
