import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncDir } from '../storage/dir-sync.ts';

/**
 * `<nodeDir>/identity.json`: who this data directory belongs to and whether its Raft state can be
 * trusted. A wiped disk loses it with everything else, which is how a node learns it lost state.
 *
 * - `formed`: this node has seen a leader elected, so the cluster holds state a majority agreed
 *   on. A node that finds no identity and no Raft state while a peer's record says formed is a
 *   member coming back empty, not a member of a new cluster (etcd's --initial-cluster-state).
 * - `state`: `catching-up` while a node that lost its state refills its log (it neither votes nor
 *   counts towards commit, see RestoredState.catchingUp), `member` otherwise.
 */
export interface NodeIdentity {
  readonly nodeId: string;
  readonly clusterId: string;
  /** Fresh for every data directory: tells a wiped-and-restarted node from the one before. */
  readonly incarnation: string;
  readonly state: 'member' | 'catching-up';
  readonly formed: boolean;
  readonly updatedAtMs: number;
}

export type InitialClusterState = 'new' | 'existing' | 'auto';

export class IdentityError extends Error {
  readonly code = 'IDENTITY_MISMATCH';
}

export function identityPath(nodeDir: string): string {
  return join(nodeDir, 'identity.json');
}

export function readNodeIdentity(nodeDir: string): NodeIdentity | null {
  const path = identityPath(nodeDir);
  if (!existsSync(path)) return null;
  let v: Partial<NodeIdentity>;
  try {
    v = JSON.parse(readFileSync(path, 'utf8')) as Partial<NodeIdentity>;
  } catch (err) {
    throw new IdentityError(`${path} is not valid JSON (${(err as Error).message}); move it away to treat this node as having lost its state`);
  }
  if (typeof v.nodeId !== 'string' || typeof v.clusterId !== 'string' || typeof v.incarnation !== 'string' ||
      (v.state !== 'member' && v.state !== 'catching-up') || typeof v.formed !== 'boolean') {
    throw new IdentityError(`${path} lacks nodeId/clusterId/incarnation/state/formed; move it away to treat this node as having lost its state`);
  }
  return v as NodeIdentity;
}

/** Durable before it resolves: written to a temp file, fsynced, renamed, directory fsynced. */
export async function writeNodeIdentity(nodeDir: string, identity: NodeIdentity): Promise<void> {
  const path = identityPath(nodeDir);
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(`${path}.tmp`, 'w');
  try {
    await fh.writeFile(`${JSON.stringify(identity)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(`${path}.tmp`, path);
  await fsyncDir(dirname(path));
}

/** Whether the node's Raft directory holds anything at all (a WAL segment, a snapshot, a hard state). */
export function hasRaftState(raftDir: string): boolean {
  return existsSync(raftDir) && readdirSync(raftDir).some((f) => !f.startsWith('.'));
}

export interface StartDecision {
  readonly identity: NodeIdentity;
  readonly catchingUp: boolean;
  /** One line for the log: why this node starts as it does. */
  readonly reason: string;
}

export interface StartInputs {
  readonly nodeId: string;
  readonly clusterId: string;
  readonly existing: NodeIdentity | null;
  readonly hasRaftState: boolean;
  /**
   * `new`: first formation, an empty node is a full member. `existing`: the cluster was formed
   * before, an empty node is catching up. `auto`: existing if any peer's record says formed.
   */
  readonly initialClusterState: InitialClusterState;
  readonly peerFormed: boolean;
  readonly nowMs: number;
}

/** The start rule, pure so it can be tested case by case. */
export function decideStart(i: StartInputs): StartDecision {
  const fresh = (state: NodeIdentity['state'], formed: boolean): NodeIdentity => ({
    nodeId: i.nodeId, clusterId: i.clusterId, incarnation: randomBytes(8).toString('hex'), state, formed, updatedAtMs: i.nowMs,
  });
  const e = i.existing;
  if (e) {
    if (e.nodeId !== i.nodeId) throw new IdentityError(`data directory belongs to node ${e.nodeId}, not ${i.nodeId}`);
    if (e.clusterId !== i.clusterId) throw new IdentityError(`data directory belongs to cluster ${e.clusterId}, not ${i.clusterId}`);
    if (e.state === 'catching-up') return { identity: e, catchingUp: true, reason: 'still catching up after losing its state' };
    if (!i.hasRaftState && e.formed) {
      return { identity: { ...e, state: 'catching-up', updatedAtMs: i.nowMs }, catchingUp: true, reason: 'its Raft state is gone but its identity says the cluster was formed' };
    }
    return { identity: e, catchingUp: false, reason: 'member with its state' };
  }
  // A data directory from before identities existed: its state is all we know, keep it.
  if (i.hasRaftState) return { identity: fresh('member', true), catchingUp: false, reason: 'Raft state without an identity (older data directory)' };
  const existingCluster = i.initialClusterState === 'existing' || (i.initialClusterState === 'auto' && i.peerFormed);
  if (existingCluster) return { identity: fresh('catching-up', true), catchingUp: true, reason: 'empty, rejoining a formed cluster: not voting until caught up' };
  return { identity: fresh('member', false), catchingUp: false, reason: 'empty, forming a new cluster' };
}

/** Local runtime: every node's directory sits under one data root, so peers' records are readable. */
export function peersFormed(dataRoot: string, peers: readonly string[], self: string): boolean {
  return peers.some((p) => {
    if (p === self) return false;
    try {
      return readNodeIdentity(join(dataRoot, p))?.formed === true;
    } catch {
      return true; // a record there, even a damaged one, means that node was started before
    }
  });
}

export function parseInitialClusterState(value: string | undefined): InitialClusterState {
  if (value === undefined || value === '') return 'auto';
  if (value === 'new' || value === 'existing' || value === 'auto') return value;
  throw new IdentityError(`INITIAL_CLUSTER_STATE must be new, existing or auto, got ${JSON.stringify(value)}`);
}
