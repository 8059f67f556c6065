// Paper tests for log replication and commitment (§5.3, §5.4.2, §5.5).
import assert from 'node:assert/strict';
import { test } from 'uvu';
import type { AppendRequest, AppendResponse, Entry, Message, NodeId } from './messages.ts';
import type { RestoredState } from './raft.ts';
import { log, TestNetwork } from './test-network.ts';

function at(term: number, entries: Entry[] = [], commit = 0): RestoredState {
  return { hardState: { term, vote: null, commit }, snapshot: null, entries };
}

const terms = (entries: readonly Entry[]) => entries.map((e) => e.term);
const isAppendResp = (m: Message): m is AppendResponse => m.type === 'appendResp';

function append(from: NodeId, to: NodeId, term: number, prevIndex: number, prevTerm: number, entries: Entry[], commit: number): AppendRequest {
  return { type: 'append', from, to, term, prevIndex, prevTerm, entries, commit };
}

test('§5.3 the leader appends and replicates; followers append; the consistency check rejects a mismatched prevLog', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  const { firstIndex, lastIndex } = net.propose(['x', 'y']);
  assert.equal(net.node('a').status().lastIndex, lastIndex, 'the leader appends to its own log first');
  assert.equal(net.node('a').status().commit, firstIndex - 1, 'nothing new is committed before followers answer');
  net.stabilize();
  assert.equal(net.node('a').status().commit, lastIndex, 'a majority holds them: committed');
  for (const id of ['b', 'c']) {
    assert.equal(net.node(id).status().commit, firstIndex - 1, `${id} learns the commit only with the next append or leader tick`);
  }
  net.settle();
  for (const id of ['a', 'b', 'c']) {
    const h = net.host(id);
    assert.deepEqual(h.storage.entries, net.host('a').storage.entries, `${id} log`);
    assert.equal(h.raft.status().commit, lastIndex, `${id} learned the commit`);
    assert.deepEqual(h.applied, ['x', 'y'], `${id} applied`);
  }

  // Consistency check, on a follower whose log is (1:1, 2:1).
  const f = new TestNetwork(['a', 'b', 'c'], { restored: { b: at(2, log(1, 1)) } });
  const b = f.node('b');
  const e3: Entry = { index: 3, term: 2, kind: 'command', data: 'z' };
  b.step(append('a', 'b', 2, 2, 2, [e3], 0)); // prevTerm differs
  b.step(append('a', 'b', 2, 4, 2, [{ ...e3, index: 5 }], 0)); // prevIndex beyond our log
  f.process('b');
  const rejects = f.discard(isAppendResp) as AppendResponse[];
  assert.deepEqual(rejects.map((m) => [m.success, m.index]), [[false, 2], [false, 4]]);
  assert.deepEqual(terms(f.host('b').storage.entries), [1, 1], 'a rejected append changes nothing');
  b.step(append('a', 'b', 2, 2, 1, [e3], 0));
  f.process('b');
  assert.deepEqual((f.discard(isAppendResp) as AppendResponse[]).map((m) => [m.success, m.index]), [[true, 3]]);
  assert.deepEqual(terms(f.host('b').storage.entries), [1, 1, 2]);
});

test('§5.3 a follower commits min(leaderCommit, index of the last new entry)', () => {
  // b holds stale uncommitted entries 2..4 from term 1; the term-2 leader has only 1 in common.
  const net = new TestNetwork(['a', 'b', 'c'], { restored: { b: at(1, log(1, 1, 1, 1)) } });
  const b = net.node('b');
  b.step(append('a', 'b', 2, 1, 1, [], 4));
  net.process('b');
  assert.equal(b.status().commit, 1, 'entries 2..4 are not verified against the leader: not committed');
  assert.deepEqual(net.host('b').applied, ['e1t1']);
  // Heartbeats carry min(match, commit) for the same reason.
  b.step({ type: 'heartbeat', from: 'a', to: 'b', term: 2, commit: 1, readCtx: null });
  net.process('b');
  assert.equal(b.status().commit, 1);
});

test('§5.3 conflicting follower entries are overwritten and missing ones supplied (Figure 7 cases a–f)', () => {
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const followers: Record<string, number[]> = {
    a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
    b: [1, 1, 1, 4],
    c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    e: [1, 1, 1, 4, 4, 4, 4],
    f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  };
  for (const [name, followerLog] of Object.entries(followers)) {
    // L becomes leader of term 8 with H's vote; F is the follower of the figure.
    const net = new TestNetwork(['L', 'H', 'F'], {
      restored: { L: at(7, log(...leaderLog)), H: at(7, log(...leaderLog)), F: at(7, log(...followerLog)) },
    });
    net.elect('L');
    assert.equal(net.node('L').status().term, 8);
    net.stabilize();
    const expected = [...leaderLog, 8];
    assert.deepEqual(terms(net.host('F').storage.entries), expected, `case (${name}): F's durable log`);
    assert.deepEqual(net.host('F').storage.entries, net.host('L').storage.entries, `case (${name}): same entries`);
    assert.equal(net.node('F').status().lastIndex, 11, `case (${name}): F's in-memory log`);
    assert.equal(net.node('F').status().commit, 11, `case (${name}): committed`);
  }
});

test('§5.3 fast backtracking skips a whole conflicting term in one round trip', () => {
  const ones = (n: number, t: number) => Array.from({ length: n }, () => t);
  const cases: [string, number[]][] = [
    ['divergent term-2 suffix of 50 entries', [1, ...ones(50, 2)]],
    ['follower 50 entries short', [1]],
  ];
  for (const [name, followerLog] of cases) {
    const leaderLog = [1, ...ones(50, 3)];
    const net = new TestNetwork(['L', 'H', 'F'], {
      restored: { L: at(3, log(...leaderLog)), H: at(3, log(...leaderLog)), F: at(3, log(...followerLog)) },
    });
    net.elect('L');
    net.stabilize();
    const rejections = net.sent.filter((m) => isAppendResp(m) && m.from === 'F' && !m.success);
    // One entry per round trip would take 50 rejections.
    assert.equal(rejections.length, 1, `${name}: rejections`);
    assert.deepEqual(terms(net.host('F').storage.entries), [...leaderLog, 4], name);
  }
});

test('§5.3 an append lost in flight is retried by the idle leader (no new proposal needed)', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  // Every follower loses the append, so no commit (and no commit broadcast) follows it.
  net.drop((m) => m.type === 'append' && m.entries.length > 0);
  const { lastIndex } = net.propose(['x']);
  net.stabilize();
  for (const id of ['b', 'c']) assert.equal(net.node(id).status().lastIndex, lastIndex - 1, `${id} missed x`);
  net.heal();
  net.tickUntil(() => ['a', 'b', 'c'].every((id) => net.node(id).status().commit === lastIndex), 3 * 5);
  for (const id of ['a', 'b', 'c']) assert.deepEqual(net.host(id).applied, ['x'], id);
});

test('§5.4.2 a leader does not commit an entry of an earlier term by counting replicas (Figure 8)', () => {
  // S1 holds (2, term 2) from an earlier leadership; it is elected for term 4 and appends its
  // no-op at 3. Entry 2 reaches every follower, the no-op reaches none.
  const ids = ['s1', 's2', 's3', 's4', 's5'];
  const restored: Record<string, RestoredState> = { s1: at(3, log(1, 2), 1) };
  for (const id of ids.slice(1)) restored[id] = at(3, log(1), 1);
  const net = new TestNetwork(ids, { restored, tuning: { maxEntriesPerAppend: 1 } });
  // Lose any term-4 append that would be accepted (followers that already hold index 2).
  net.drop((m) => m.type === 'append' && m.entries.some((e) => e.term === 4) && net.node(m.to).status().lastIndex >= 2);
  net.elect('s1');
  net.stabilize();
  const s1 = net.node('s1').status();
  assert.equal(s1.term, 4);
  for (const pr of s1.progress) assert.equal(pr.match, 2, `${pr.id} holds entry 2`);
  assert.equal(s1.commit, 1, 'entry 2 sits on all five nodes, yet is not committed: its term is 2, not 4');
  for (const id of ids) assert.equal(net.node(id).status().commit, 1, id);
  // Once the no-op (term 4) reaches a majority, both it and entry 2 commit.
  net.heal();
  net.tickUntil(() => net.node('s1').status().commit === 3, 3 * 5);
  net.tick(6);
  for (const id of ids) assert.deepEqual(net.host(id).applied, ['e1t1', 'e2t2'], id);
});

test('§5.4.2 a new leader appends a no-op and so commits earlier entries', () => {
  const old = log(1, 1, 1);
  const net = new TestNetwork(['a', 'b', 'c'], { restored: { a: at(1, old, 1), b: at(1, old, 1), c: at(1, old, 1) } });
  net.elect('b');
  const noop = net.node('b').committedEntry(4) ?? net.host('b').storage.entries[3];
  assert.deepEqual(noop, { index: 4, term: 2, kind: 'noop', data: '' });
  net.stabilize();
  for (const id of ['a', 'b', 'c']) {
    assert.equal(net.node(id).status().commit, 4, `${id} commit`);
    assert.deepEqual(net.host(id).applied, ['e1t1', 'e2t1', 'e3t1'], `${id} applied the earlier-term entries`);
  }
});

test('§5.5 duplicate / reordered append messages are harmless', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.elect('a');
  net.propose(['x']);
  net.propose(['y']);
  const toB = net.discard((m) => m.type === 'append' && m.to === 'b') as AppendRequest[];
  assert.equal(toB.length, 2, 'two pipelined appends');
  const [first, second] = toB as [AppendRequest, AppendRequest];
  const b = net.node('b');
  for (const m of [second, first, first, second, first, second]) {
    b.step(m);
    net.process('b');
  }
  assert.deepEqual(net.host('b').storage.entries.map((e) => e.data), ['', 'x', 'y'], 'nothing truncated or doubled');
  // The leader sees the answers duplicated and out of order too.
  const answers = net.discard((m) => m.to === 'a' && m.from === 'b');
  for (const m of [...answers.reverse(), ...answers]) net.node('a').step(m);
  net.process('a');
  net.settle();
  for (const id of ['a', 'b', 'c']) {
    assert.deepEqual(net.host(id).applied, ['x', 'y'], id);
    assert.equal(net.node(id).status().commit, 3, id);
  }
  const pr = net.node('a').status().progress.find((p) => p.id === 'b')!;
  assert.equal(pr.match, 3);
  assert.equal(pr.state, 'replicate');
});

test.run();
