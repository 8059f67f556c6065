// Paper tests for linearizable reads (§6.4 of the thesis) and leadership transfer (§3.10).
import assert from 'node:assert/strict';
import { test } from 'uvu';
import { RaftError } from './errors.ts';
import type { Message } from './messages.ts';
import { TestNetwork } from './test-network.ts';

const isHeartbeatResp = (m: Message) => m.type === 'heartbeatResp';

test('§6.4 ReadIndex: a read is released only after a heartbeat round confirmed leadership, at the commit index when it arrived', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  const a = net.node('a');
  const commitAtArrival = a.status().commit;
  a.readIndex('r1');
  net.process('a');
  const beats = net.queue.filter((m) => m.type === 'heartbeat');
  assert.deepEqual(beats.map((m) => m.type === 'heartbeat' && m.readCtx), ['r1', 'r1'], 'a confirmation round went out');
  assert.deepEqual(net.host('a').readStates, [], 'not released on arrival');
  // A write commits while the round is in flight; the read point stays where the read arrived.
  net.propose(['w']);
  net.deliverWhere((m) => m.type !== 'heartbeat' && m.type !== 'heartbeatResp');
  net.deliverWhere((m) => m.type !== 'heartbeat' && m.type !== 'heartbeatResp');
  assert.equal(a.status().commit, commitAtArrival + 1);
  net.deliverWhere((m) => m.type === 'heartbeat');
  assert.deepEqual(net.host('a').readStates, [], 'heard nothing back yet');
  net.deliverWhere((m) => isHeartbeatResp(m) && m.from === 'b');
  assert.deepEqual(net.host('a').readStates, [{ ctx: 'r1', index: commitAtArrival }], 'one follower + the leader = a majority');
  net.stabilize();
  assert.equal(net.host('a').readStates.length, 1, "c's late ack releases nothing twice");
});

test('§6.4 ReadIndex: a read before the leader\'s first commit waits for it', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.node('a').campaign();
  net.process('a');
  const hold = (m: Message) => m.type === 'appendResp';
  for (let i = 0; i < 10; i++) net.deliverWhere((m) => !hold(m));
  const a = net.node('a');
  assert.equal(a.status().role, 'LEADER');
  assert.equal(a.status().commit, 0, 'the no-op is not committed yet');
  a.readIndex('r0');
  net.process('a');
  for (let t = 0; t < 10; t++) {
    a.tick(); // heartbeat rounds succeed meanwhile, but must not release the read
    net.process('a');
    for (let i = 0; i < 3; i++) net.deliverWhere((m) => !hold(m));
  }
  assert.deepEqual(net.host('a').readStates, [], 'the commit index of a fresh leader may be stale');
  net.stabilize();
  assert.deepEqual(net.host('a').readStates, [{ ctx: 'r0', index: 1 }], 'released at the no-op once it commits');
});

test('§6.4 ReadIndex: an isolated leader never releases it', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  net.isolate('a');
  net.node('a').readIndex('r2');
  net.process('a');
  net.tick(100);
  assert.deepEqual(net.host('a').readStates, []);
  assert.ok(net.host('a').events.some((e) => e.kind === 'read-dropped' && e.ctx === 'r2'), 'dropped on step-down, so the host can fail it');
  assert.notEqual(net.leader(), 'a');
});

test('§3.10 (thesis) leadership transfer: target becomes leader without waiting for a timeout', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  net.stabilize();
  const term = net.node('a').status().term;
  net.node('a').transferLeadership('b');
  net.stabilize(); // no tick: only messages
  assert.equal(net.leader(), 'b');
  assert.equal(net.node('b').status().term, term + 1);
  assert.equal(net.node('a').status().role, 'FOLLOWER');
  net.tick(60);
  assert.equal(net.leader(), 'b', 'and it stays leader');
});

test('§3.10 (thesis) leadership transfer: proposals refused during transfer, accepted again once it times out', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  net.cut('a', 'b');
  net.node('a').transferLeadership('b');
  net.process('a');
  assert.throws(() => net.node('a').propose(['x']), (e: unknown) => e instanceof RaftError && e.code === 'TRANSFER_IN_PROGRESS');
  net.tickUntil(() => net.node('a').status().transferee === null, 15);
  assert.equal(net.leader(), 'a');
  net.propose(['x']);
  net.settle();
  assert.deepEqual(net.host('c').applied, ['x']);
});

test('§3.10 (thesis) leadership transfer: a transfer to a lagging follower catches it up first', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  net.cut('a', 'c');
  const { lastIndex } = net.propose(['x', 'y', 'z']);
  net.stabilize();
  assert.ok(net.node('c').status().lastIndex < lastIndex, 'c lags');
  net.heal();
  const before = net.sent.length;
  net.node('a').transferLeadership('c');
  net.process('a');
  net.tickUntil(() => net.leader() === 'c', 15);
  const after = net.sent.slice(before);
  const timeoutNow = after.findIndex((m) => m.type === 'timeoutNow');
  const caughtUp = after.findIndex((m) => m.type === 'appendResp' && m.from === 'c' && m.success && m.index >= lastIndex);
  assert.ok(caughtUp >= 0 && caughtUp < timeoutNow, 'timeoutNow only after c acknowledged the whole log');
  assert.deepEqual(net.host('c').storage.entries.slice(1, 4).map((e) => e.data), ['x', 'y', 'z']);
  net.tick(6);
  for (const id of ['a', 'b', 'c']) assert.deepEqual(net.host(id).applied, ['x', 'y', 'z'], id);
});

test.run();
