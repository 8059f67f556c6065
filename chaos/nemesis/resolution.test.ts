// Role and shape resolution against fixed snapshots: pure functions, so exact answers; the
// same seed draws the same targets, and shapes resolve to the expected grudges and links.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom as createRng } from '../../cluster/common/rng.ts';
import type { ClusterSnapshot } from './cluster-snapshot.ts';
import { NemesisError } from './errors.ts';
import { selectLinks } from './link-selection.ts';
import { grudgeLinks, grudgeRecord, resolvePartition } from './partitions.ts';
import { resolveTarget } from './targets.ts';

const five: ClusterSnapshot = { nodeIds: ['node1', 'node2', 'node3', 'node4', 'node5'], leader: 'node2', term: 7, reachable: ['node1', 'node2', 'node3', 'node4'] };
const leaderless: ClusterSnapshot = { ...five, leader: null };

function code(fn: () => unknown): string {
  try { fn(); } catch (err) { assert.instance(err, NemesisError); return (err as NemesisError).code; }
  throw new Error('did not throw');
}

test('roles: leader, follower (never the leader, prefers answering nodes), minority with and without the leader', () => {
  const r = createRng(3);
  assert.equal(resolveTarget({ role: 'leader' }, five, r), ['node2']);
  for (let i = 0; i < 20; i++) {
    const [f] = resolveTarget({ role: 'follower' }, five, r);
    assert.ok(f !== 'node2' && f !== 'node5', `follower ${f}`);
    const m = resolveTarget({ role: 'minority' }, five, r);
    assert.is(m.length, 2);
    assert.not.ok(m.includes('node2'));
    const ml = resolveTarget({ role: 'minority', withLeader: true }, five, r);
    assert.is(ml[0], 'node2');
    assert.is(new Set(ml).size, 2);
  }
  assert.is(code(() => resolveTarget({ role: 'leader' }, leaderless, r)), 'NO_LEADER');
  assert.is(code(() => resolveTarget({ role: 'node', node: 'node9' }, five, r)), 'UNKNOWN_NODE');
});

test('the same seed draws the same targets', () => {
  const draw = (seed: number) => {
    const r = createRng(seed);
    return Array.from({ length: 10 }, () => resolveTarget({ role: 'random' }, five, r)[0]);
  };
  assert.equal(draw(11), draw(11));
  assert.not.equal(draw(11), draw(12));
});

test('leader-minority on 5 nodes cuts the leader and one other from the remaining three', () => {
  const p = resolvePartition('leader-minority', undefined, five, createRng(5));
  const g = grudgeRecord(p.grudge);
  const minority = Object.keys(g).filter((n) => g[n]!.length === 3);
  assert.is(minority.length, 2);
  assert.ok(minority.includes('node2'));
  assert.is(grudgeLinks(p.grudge).length, 12);
});

test('ring on 5 nodes: each node hears only its neighbours; on 3 nodes it is refused', () => {
  const p = resolvePartition('ring', ['node1', 'node2', 'node3', 'node4', 'node5'], five, createRng(1));
  assert.equal(grudgeRecord(p.grudge).node1, ['node3', 'node4']);
  assert.ok(grudgeLinks(p.grudge).includes('node3_to_node1'));
  assert.not.ok(grudgeLinks(p.grudge).includes('node2_to_node1'));
  const three: ClusterSnapshot = { nodeIds: ['node1', 'node2', 'node3'], leader: 'node1', term: 1, reachable: ['node1', 'node2', 'node3'] };
  assert.is(code(() => resolvePartition('ring', undefined, three, createRng(1))), 'INVALID_FAULT');
  assert.is(code(() => resolvePartition('majority-minority', ['node1', 'node2', 'node3'], five, createRng(1))), 'INVALID_FAULT');
});

test('one-way defaults to the leader\'s messages to a follower; link selectors name the right proxies', () => {
  const p = resolvePartition('one-way', undefined, five, createRng(2));
  const links = grudgeLinks(p.grudge);
  assert.is(links.length, 1);
  assert.match(links[0]!, /^node2_to_node[1345]$/);
  const into = selectLinks({ links: 'to-node', target: { role: 'leader' } }, five, createRng(1));
  assert.equal(into.links, ['node1_to_node2', 'node3_to_node2', 'node4_to_node2', 'node5_to_node2']);
  assert.is(selectLinks({ links: 'all' }, five, createRng(1)).links.length, 25);
});

test.run();
