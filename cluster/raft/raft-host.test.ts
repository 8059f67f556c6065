// Snapshots (§7), flow control, and the host contract: Ready ordering, restart, errors.
import assert from 'node:assert/strict';
import { test } from 'uvu';
import { RaftError } from './errors.ts';
import type { AppendRequest, Message, NodeId } from './messages.ts';
import { RaftNode, type RestoredState } from './raft.ts';
import { emptyState, log, TestNetwork, type TestHost } from './test-network.ts';
import { seededRandom } from '../common/rng.ts';

const appendsWithEntries = (net: TestNetwork, to: NodeId) =>
  net.queue.filter((m): m is AppendRequest => m.type === 'append' && m.to === to && m.entries.length > 0);

test('§7 snapshots: a follower behind the compacted prefix receives InstallSnapshot and catches up', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  net.isolate('c');
  for (let i = 1; i <= 10; i++) net.propose([`w${i}`]);
  net.stabilize();
  const snap = net.host('a').compact();
  assert.equal(snap.index, 11);
  net.heal();
  net.tickUntil(() => net.host('c').appliedIndex === 11, 40);
  assert.ok(net.sent.some((m) => m.type === 'snapshot' && m.to === 'c'), 'caught up through a snapshot');
  assert.deepEqual(net.host('c').storage.snapshot, snap, 'the snapshot was persisted');
  assert.deepEqual(net.host('c').applied, net.host('a').applied);
  assert.ok(net.host('c').events.some((e) => e.kind === 'snapshot-installed' && e.index === 11));
  // Replication continues normally after it.
  net.propose(['after']);
  net.settle();
  assert.deepEqual(net.host('c').applied.at(-1), 'after');
  assert.deepEqual(net.host('c').storage.entries.map((e) => e.index), [12]);
  // And a restart from that storage rebuilds the same state.
  net.host('c').restart();
  assert.deepEqual(net.host('c').applied.length, 10, 'the snapshot restores the state machine');
  net.tick(6);
  assert.deepEqual(net.host('c').applied, net.host('a').applied, 'the tail is re-applied from the log');
});

test('§7 snapshots: compaction keeps the tail (uncommitted and unapplied entries survive)', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  for (let i = 1; i <= 5; i++) net.propose([`w${i}`]);
  net.stabilize();
  const { lastIndex } = net.propose(['t1', 't2', 't3']); // appended, not yet replicated
  net.host('a').compact();
  const s = net.node('a').status();
  assert.equal(s.snapshotIndex, 6);
  assert.equal(s.lastIndex, lastIndex);
  assert.equal(net.node('a').committedEntry(6), undefined, 'compacted away');
  assert.equal(net.node('a').committedEntry(5), undefined);
  net.settle();
  assert.equal(net.node('a').committedEntry(lastIndex)?.data, 't3');
  assert.ok(!net.sent.some((m) => m.type === 'snapshot'), 'up-to-date followers need no snapshot');
  for (const id of ['b', 'c']) assert.deepEqual(net.host(id).applied.slice(-3), ['t1', 't2', 't3'], id);
});

test('pipelining: many appends in flight, bounded by maxInflightAppends', () => {
  const net = new TestNetwork(['a', 'b', 'c'], { tuning: { maxInflightAppends: 4 } });
  net.elect('a');
  for (let i = 1; i <= 10; i++) net.propose([`w${i}`]); // each followed by a ready(): one append each
  assert.equal(appendsWithEntries(net, 'b').length, 4, 'four in flight, no stop-and-wait, no more');
  assert.equal(net.node('a').status().progress.find((p) => p.id === 'b')?.inflight, 4);
  net.settle();
  for (const id of ['b', 'c']) assert.equal(net.host(id).applied.length, 10, id);
});

test('pipelining: a lagging follower is caught up with a full window, not one append per round trip', () => {
  const long = log(...Array.from({ length: 40 }, () => 1));
  const restored: Record<string, RestoredState> = {
    a: { ...emptyState, hardState: { term: 1, vote: null, commit: 0 }, entries: long },
    b: { ...emptyState, hardState: { term: 1, vote: null, commit: 0 }, entries: long },
  };
  const net = new TestNetwork(['a', 'b', 'c'], { restored, tuning: { maxInflightAppends: 4, maxEntriesPerAppend: 2 } });
  net.node('a').campaign();
  net.processAll();
  let most = 0;
  while (net.queue.length > 0) {
    net.deliverAt(0);
    const inFlight = appendsWithEntries(net, 'c').length;
    most = Math.max(most, inFlight);
  }
  assert.equal(net.host('c').storage.entries.length, 41);
  assert.equal(most, 4, `at most ${most} appends with entries were in flight to c`);
});

test('batching: many proposals before one ready() go out as one append per follower', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  const a = net.node('a');
  a.propose(['x']);
  a.propose(['y', 'z']);
  a.propose(['w']);
  const rd = a.ready();
  assert.deepEqual(rd.entries.map((e) => e.data), ['x', 'y', 'z', 'w'], 'one batch to persist');
  const appends = rd.messages.filter((m): m is AppendRequest => m.type === 'append');
  assert.deepEqual(appends.map((m) => [m.to, m.entries.length]), [['b', 4], ['c', 4]]);
  assert.equal(a.hasReady(), false, 'no second batch until advance()');
  assert.throws(() => a.ready(), /before advance/);
});

/**
 * Assert, for every message, that what it depends on was durable when it left. Only a leader's
 * messages may leave before their batch is persisted, and then only the entries may be missing.
 */
function checkDurableBeforeSend(from: TestHost, m: Message, beforePersist: boolean): void {
  const st = from.storage;
  const stored = (index: number) =>
    st.snapshot && index <= st.snapshot.index ? st.snapshot.term : st.entries.find((e) => e.index === index)?.term;
  if (m.type !== 'prevote' && m.type !== 'prevoteResp') {
    assert.ok(st.hardState.term >= m.term, `${m.type} from ${m.from} at term ${m.term} before term was durable`);
  }
  if (m.type === 'voteResp' && m.granted) assert.equal(st.hardState.vote, m.to, 'vote granted before it was durable');
  if (m.type === 'vote') assert.equal(st.hardState.vote, m.from, 'asked for votes before voting for itself durably');
  if (m.type === 'appendResp' && m.success && m.term === st.hardState.term) {
    assert.ok(stored(m.index) !== undefined, `acked ${m.index} before it was durable`);
  }
  if (beforePersist) {
    assert.equal(from.raft.status().role, 'LEADER', `${m.type} from ${m.from} left before its batch was persisted`);
    assert.ok(['append', 'heartbeat', 'snapshot', 'timeoutNow', 'prevoteResp', 'voteResp'].includes(m.type), `${m.type} left early`);
    assert.ok(m.type !== 'voteResp' || !m.granted, 'a leader granted a vote');
    assert.equal(st.hardState.term, m.term, `${m.type} from ${m.from} left early at term ${m.term}, durable ${st.hardState.term}`);
  } else if (m.type === 'append') {
    for (const e of m.entries) assert.equal(stored(e.index), e.term, `${m.from} sent ${e.index} before persisting it`);
  }
}

test('persist-before-send: messages only come out in a Ready together with the entries/hardState they depend on', () => {
  // Direct: one batch holds the vote and its grant, the entries and their ack.
  const voter = new RaftNode({ id: 'c', peers: ['a', 'b', 'c'], random: seededRandom(1) }, emptyState);
  voter.step({ type: 'vote', from: 'a', to: 'c', term: 1, lastLogIndex: 0, lastLogTerm: 0, transfer: false });
  const rd = voter.ready();
  assert.deepEqual(rd.hardState, { term: 1, vote: 'a', commit: 0 });
  assert.deepEqual(rd.messages.map((m) => m.type), ['voteResp']);
  voter.advance(rd);
  const entry = { index: 1, term: 1, kind: 'noop' as const, data: '' };
  voter.step({ type: 'append', from: 'a', to: 'c', term: 1, prevIndex: 0, prevTerm: 0, entries: [entry], commit: 0 });
  const rd2 = voter.ready();
  assert.deepEqual(rd2.entries, [entry]);
  assert.deepEqual(rd2.messages.map((m) => m.type), ['appendResp']);

  // Through elections, partitions, loss and restarts, checked on every message sent.
  for (let seed = 1; seed <= 5; seed++) {
    const net = new TestNetwork(['a', 'b', 'c'], { seed });
    net.onSend = checkDurableBeforeSend;
    net.tickUntil(() => net.leader() !== null, 200);
    for (let round = 0; round < 6; round++) {
      const leader = net.leader();
      if (leader) for (let i = 0; i < 3; i++) net.propose([`s${seed}r${round}i${i}`], leader);
      const victim = net.ids[(seed + round) % 3]!;
      if (round % 2 === 0) net.isolate(victim);
      else net.drop((m) => m.type === 'appendResp' && m.from === victim);
      net.tick(40);
      net.heal();
      net.host(victim).restart();
      net.tick(40);
    }
    assert.ok(net.leader() !== null, `seed ${seed}: a leader at the end`);
  }
});

test('send-before-persist (§10.2.1): only a settled leader may send first, and its own unwritten copy never counts', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.node('a').campaign();
  const campaign = net.node('a').ready();
  assert.equal(campaign.sendBeforePersist, false, 'vote requests wait for the durable vote');
  net.host('a').persist(campaign);
  net.queue.push(...campaign.messages);
  net.node('a').advance(campaign);
  net.stabilize();
  assert.equal(net.leader(), 'a');
  const a = net.node('a');
  const commitBefore = a.status().commit;
  const xIndex = a.propose(['x']).firstIndex;
  const rd = a.ready();
  assert.equal(rd.sendBeforePersist, true, 'a leader with a durable term sends its appends at once');
  assert.deepEqual(rd.entries.map((e) => e.data), ['x']);
  // b stores and acknowledges x while a's own write is still under way: one durable copy of three.
  const toB = rd.messages.filter((m) => m.to === 'b');
  for (const m of toB) net.node('b').step(m);
  net.process('b');
  const ack = net.discard((m) => m.type === 'appendResp' && m.from === 'b' && m.to === 'a');
  assert.equal(ack.length, 1);
  a.step(ack[0]!);
  assert.equal(a.status().commit, commitBefore, 'not committed on b alone');
  // Once a's write is durable it counts: a and b are a majority.
  net.host('a').persist(rd);
  a.advance(rd);
  assert.equal(a.status().commit, xIndex, 'committed once the leader persisted its own copy');
  // A follower never sends early, and its acknowledgement follows its write.
  net.discard(() => true);
  a.propose(['y']);
  net.process('a');
  const append = net.discard((m) => m.type === 'append' && m.to === 'c')[0]!;
  net.node('c').step(append);
  const rdC = net.node('c').ready();
  assert.equal(rdC.sendBeforePersist, false);
  assert.ok(rdC.messages.some((m) => m.type === 'appendResp'));
});

test('restart: a node rebuilt from its persisted state keeps term, vote and log', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  net.propose(['x', 'y']);
  net.stabilize();
  for (const id of ['a', 'b']) {
    const before = net.node(id).status();
    net.host(id).restart();
    const after = net.node(id).status();
    assert.equal(after.term, before.term, `${id} term`);
    assert.equal(after.vote, before.vote, `${id} vote`);
    assert.equal(after.lastIndex, before.lastIndex, `${id} log`);
    assert.equal(after.commit, before.commit, `${id} commit`);
    assert.equal(after.role, 'FOLLOWER', 'every node restarts as a follower');
  }
  net.tickUntil(() => net.leader() !== null, 200);
  net.propose(['z']);
  net.settle();
  for (const id of ['a', 'b', 'c']) assert.deepEqual(net.host(id).applied, ['x', 'y', 'z'], id);
});

test('bad config is rejected with INVALID_ARGUMENT', () => {
  const base = { id: 'a', peers: ['a', 'b', 'c'], random: seededRandom(1) };
  const bad = [
    { ...base, peers: ['b', 'c'] },
    { ...base, peers: ['a', 'b', 'b'] },
    { ...base, heartbeatTicks: 0 },
    { ...base, electionTicksMin: 5, heartbeatTicks: 5 },
    { ...base, electionTicksMin: 20, electionTicksMax: 20 },
    { ...base, maxInflightAppends: 0 },
    { ...base, maxEntriesPerAppend: 0 },
    { ...base, maxApplyEntries: 0 },
  ];
  for (const options of bad) {
    assert.throws(() => new RaftNode(options, emptyState), (e: unknown) => e instanceof RaftError && e.code === 'INVALID_ARGUMENT', JSON.stringify(options));
  }
  assert.doesNotThrow(() => new RaftNode(base, emptyState));
});

test('propose on a follower throws NOT_LEADER with the leader hint', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  const b = () => net.node('b');
  const notLeader = (leader: NodeId | null) => (e: unknown) => e instanceof RaftError && e.code === 'NOT_LEADER' && e.leader === leader;
  assert.throws(() => b().propose(['x']), notLeader(null), 'no leader known yet');
  net.elect('a');
  assert.throws(() => b().propose(['x']), notLeader('a'));
  assert.throws(() => b().readIndex('r'), notLeader('a'));
  assert.throws(() => b().transferLeadership('c'), notLeader('a'));
  assert.equal(net.node('b').status().lastIndex, 1, 'nothing was appended');
});

test('a single-node cluster elects itself, commits on its own durable write and serves reads', () => {
  const net = new TestNetwork(['a']);
  net.tickUntil(() => net.leader() === 'a', 30);
  net.node('a').readIndex('r');
  net.process('a');
  net.propose(['x']);
  net.stabilize();
  assert.deepEqual(net.host('a').applied, ['x']);
  assert.deepEqual(net.host('a').readStates, [{ ctx: 'r', index: 1 }], 'released once the no-op (1) committed');
  net.tick(100);
  assert.equal(net.leader(), 'a', 'CheckQuorum counts the leader itself');
});

test.run();

test('commit notice: no empty append per commit; the next append carries it, or the next leader tick', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  net.settle();
  const sentBefore = net.sent.length;
  net.propose(['x']);
  net.stabilize();
  const emptyAppends = () => net.sent.slice(sentBefore).filter((m) => m.type === 'append' && m.entries.length === 0);
  assert.equal(emptyAppends().length, 0, 'committing x sent no commit-only append');
  const commitX = net.node('a').status().commit;
  assert.equal(net.node('b').status().commit, commitX - 1);

  net.propose(['y']); // its append carries x's commit
  const toB = net.queue.filter((m): m is AppendRequest => m.type === 'append' && m.to === 'b');
  assert.deepEqual(toB.map((m) => [m.entries.map((e) => e.data), m.commit]), [[['y'], commitX]]);
  net.stabilize();
  assert.deepEqual(net.host('b').applied, ['x'], 'b applied x from the append that brought y');

  net.node('a').tick(); // no heartbeat due yet: the tick flushes y's commit alone
  net.process('a');
  assert.deepEqual(emptyAppends().map((m) => [m.to, (m as AppendRequest).commit]), [['b', commitX + 1], ['c', commitX + 1]]);
  net.stabilize();
  for (const id of ['b', 'c']) assert.deepEqual(net.host(id).applied, ['x', 'y'], id);
  net.node('a').tick();
  net.process('a');
  assert.equal(emptyAppends().length, 2, 'and only once');
});
