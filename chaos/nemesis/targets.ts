/**
 * Target (a role) -> the nodes it names, against one snapshot of the cluster.
 *
 * Exports: `resolveTarget`, `describeTarget`, `minoritySize`, `requireNodes`.
 *
 *   leader      the node leading the highest term (NO_LEADER if none)
 *   follower    one node that is not the leader, preferring nodes that answer
 *   random      any one node
 *   minority    floor((N-1)/2) nodes; without the leader unless `withLeader` (then it is one of them)
 *   node        that node (UNKNOWN_NODE if the cluster has no such node)
 */
import type { Target } from './fault.ts';
import type { ClusterSnapshot } from './cluster-snapshot.ts';
import { NemesisError } from './errors.ts';
import { pick, shuffled, type Random } from './random-pick.ts';

export function minoritySize(nodeCount: number): number {
  return Math.floor((nodeCount - 1) / 2);
}

export function requireNodes(snapshot: ClusterSnapshot, nodes: readonly string[]): string[] {
  for (const n of nodes) {
    if (!snapshot.nodeIds.includes(n)) throw new NemesisError('UNKNOWN_NODE', `unknown node "${n}" (nodes: ${snapshot.nodeIds.join(', ')})`);
  }
  return [...nodes];
}

export function requireLeader(snapshot: ClusterSnapshot): string {
  if (snapshot.leader === null) throw new NemesisError('NO_LEADER', `no node leads the highest term (answering: ${snapshot.reachable.join(', ') || 'none'})`);
  return snapshot.leader;
}

export function resolveTarget(target: Target, snapshot: ClusterSnapshot, random: Random): string[] {
  const all = snapshot.nodeIds;
  switch (target.role) {
    case 'leader':
      return [requireLeader(snapshot)];
    case 'follower': {
      const others = all.filter((n) => n !== snapshot.leader);
      const answering = others.filter((n) => snapshot.reachable.includes(n));
      const pool = answering.length > 0 ? answering : others;
      if (pool.length === 0) throw new NemesisError('NO_TARGET', 'no follower to target');
      return [pick(random, pool)];
    }
    case 'random':
      return [pick(random, all)];
    case 'minority': {
      const size = minoritySize(all.length);
      if (size === 0) throw new NemesisError('NO_TARGET', `a ${all.length}-node cluster has no minority to target`);
      if (target.withLeader) {
        const leader = requireLeader(snapshot);
        return [leader, ...shuffled(random, all.filter((n) => n !== leader)).slice(0, size - 1)];
      }
      return shuffled(random, all.filter((n) => n !== snapshot.leader)).slice(0, size);
    }
    case 'node':
      return requireNodes(snapshot, [target.node]);
  }
}

/** "leader", "minority with leader", "node3": for descriptions. */
export function describeTarget(target: Target): string {
  switch (target.role) {
    case 'minority': return target.withLeader ? 'minority with leader' : 'minority';
    case 'node': return 'named';
    default: return target.role;
  }
}
