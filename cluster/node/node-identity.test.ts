// The start rule for a node's data directory: first formation versus a member back with an empty disk.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../storage/storage-fixtures.ts';
import { decideStart, IdentityError, parseInitialClusterState, peersFormed, readNodeIdentity, writeNodeIdentity, type NodeIdentity, type StartInputs } from './node-identity.ts';

const base: StartInputs = { nodeId: 'node2', clusterId: 'c1', existing: null, hasRaftState: false, initialClusterState: 'auto', peerFormed: false, nowMs: 1 };
const member: NodeIdentity = { nodeId: 'node2', clusterId: 'c1', incarnation: 'x', state: 'member', formed: true, updatedAtMs: 0 };

test('an empty node forms a new cluster only when nothing says the cluster was formed', () => {
  assert.is(decideStart(base).catchingUp, false);
  assert.is(decideStart({ ...base, initialClusterState: 'new', peerFormed: true }).catchingUp, false);
  assert.is(decideStart({ ...base, peerFormed: true }).catchingUp, true, 'a peer formed: this empty node lost its disk');
  assert.is(decideStart({ ...base, initialClusterState: 'existing' }).catchingUp, true);
  assert.is(decideStart({ ...base, peerFormed: true }).identity.state, 'catching-up', 'persisted before it starts');
});

test('a node with its state is a member; an identity without Raft state, or still catching up, catches up', () => {
  assert.is(decideStart({ ...base, existing: member, hasRaftState: true }).catchingUp, false);
  assert.is(decideStart({ ...base, existing: member, hasRaftState: false }).catchingUp, true);
  assert.is(decideStart({ ...base, existing: { ...member, state: 'catching-up' }, hasRaftState: true }).catchingUp, true);
  assert.is(decideStart({ ...base, hasRaftState: true, peerFormed: true }).catchingUp, false, 'a directory from before identities keeps its state');
  assert.throws(() => decideStart({ ...base, existing: { ...member, nodeId: 'node3' }, hasRaftState: true }), (e: unknown) => e instanceof IdentityError && /node node3/.test(e.message));
  assert.throws(() => decideStart({ ...base, existing: { ...member, clusterId: 'other' }, hasRaftState: true }), /cluster other/);
});

test('identity files: written durably, read back, damaged ones refused clearly, peers read under the data root', async () => {
  const t = tempDir();
  try {
    await writeNodeIdentity(join(t.dir, 'node1'), { ...member, nodeId: 'node1' });
    assert.is(readNodeIdentity(join(t.dir, 'node1'))?.nodeId, 'node1');
    assert.is(readNodeIdentity(join(t.dir, 'node2')), null);
    assert.is(peersFormed(t.dir, ['node1', 'node2'], 'node2'), true);
    assert.is(peersFormed(t.dir, ['node1', 'node2'], 'node1'), false);
    mkdirSync(join(t.dir, 'node3'));
    writeFileSync(join(t.dir, 'node3', 'identity.json'), '{"nodeId":');
    assert.throws(() => readNodeIdentity(join(t.dir, 'node3')), /not valid JSON/);
    assert.is(parseInitialClusterState(undefined), 'auto');
    assert.throws(() => parseInitialClusterState('maybe'), /new, existing or auto/);
  } finally {
    t.remove();
  }
});

test.run();
