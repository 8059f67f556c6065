/**
 * Partition shapes -> grudges (cluster/sim/grudge.ts, the simulator's own shapes) -> the
 * directed peer links to blackhole.
 *
 * Exports: `resolvePartition`, `grudgeLinks`, `grudgeRecord`, `ResolvedPartition`.
 *
 * A grudge maps each node to the nodes it drops traffic from. Our peer transport is
 * fire-and-forget: A's Raft messages reach B only as A's requests on link `A_to_B` (B's replies
 * are B's own requests on `B_to_A`), so "B drops traffic from A" is exactly "link A_to_B
 * carries nothing". Gateway links are never part of a node partition.
 *
 * `nodes` (optional on the fault) pins what would otherwise be drawn:
 *   isolate-one       [node]               default: a random node
 *   isolate-leader    —                    the leader
 *   leader-minority   —                    leader + floor((N-1)/2)-1 random others vs the rest
 *   majority-minority the minority side    default: floor((N-1)/2) random nodes
 *   bridge            the order            default: shuffled; the middle node hears both halves
 *   ring              the order            default: shuffled; each hears its two neighbours (N >= 4)
 *   one-way           [from, to]           default: leader -> a random follower (from's messages to to vanish)
 */
import { bridgeGrudge, isolateGrudge, oneWayGrudge, ringGrudge, splitGrudge, describeGrudge } from '../../cluster/common/grudge.ts';
import { peerLinkName } from '../../cluster/links.ts';
import type { PartitionShape } from './fault.ts';
import type { ClusterSnapshot } from './cluster-snapshot.ts';
import { NemesisError } from './errors.ts';
import { pick, shuffled, type Random } from './random-pick.ts';
import { minoritySize, requireLeader, requireNodes } from './targets.ts';

export interface ResolvedPartition {
  /** Nodes cut off from someone (every node with a non-empty grudge, or sending into one). */
  readonly nodes: readonly string[];
  readonly grudge: ReadonlyMap<string, ReadonlySet<string>>;
  readonly describe: string;
}

export function resolvePartition(
  shape: PartitionShape, given: readonly string[] | undefined, snapshot: ClusterSnapshot, random: Random,
): ResolvedPartition {
  const all = snapshot.nodeIds;
  const pinned = given ? requireNodes(snapshot, given) : undefined;
  const size = minoritySize(all.length);
  let grudge: Map<string, Set<string>>;
  let what: string;
  switch (shape) {
    case 'isolate-one': {
      const node = pinned?.[0] ?? pick(random, all);
      grudge = isolateGrudge(node, all);
      what = `isolate ${node}`;
      break;
    }
    case 'isolate-leader': {
      const leader = requireLeader(snapshot);
      grudge = isolateGrudge(leader, all);
      what = `isolate leader ${leader} (term ${snapshot.term})`;
      break;
    }
    case 'leader-minority': {
      const leader = requireLeader(snapshot);
      if (size === 0) throw new NemesisError('INVALID_FAULT', `a ${all.length}-node cluster has no minority`);
      const minority = [leader, ...shuffled(random, all.filter((n) => n !== leader)).slice(0, size - 1)];
      grudge = splitGrudge(minority, all.filter((n) => !minority.includes(n)));
      what = `leader ${leader} (term ${snapshot.term}) in minority [${minority.join(',')}]`;
      break;
    }
    case 'majority-minority': {
      const minority = pinned ?? shuffled(random, all).slice(0, size);
      if (minority.length === 0 || minority.length * 2 >= all.length) {
        throw new NemesisError('INVALID_FAULT', `minority [${minority.join(',')}] is not a minority of ${all.length} nodes`);
      }
      grudge = splitGrudge(minority, all.filter((n) => !minority.includes(n)));
      what = `minority [${minority.join(',')}] vs majority`;
      break;
    }
    case 'bridge': {
      if (all.length < 3) throw new NemesisError('INVALID_FAULT', 'a bridge needs at least 3 nodes');
      const order = pinned ?? shuffled(random, all);
      if (order.length !== all.length) throw new NemesisError('INVALID_FAULT', 'bridge: `nodes` must list every node, in order');
      grudge = bridgeGrudge(order);
      what = `bridge through ${order[Math.floor(order.length / 2)]}`;
      break;
    }
    case 'ring': {
      // With 3 nodes every node neighbours both others: the grudge would be empty.
      if (all.length < 4) throw new NemesisError('INVALID_FAULT', `a ring partition needs at least 4 nodes (have ${all.length})`);
      const order = pinned ?? shuffled(random, all);
      if (order.length !== all.length) throw new NemesisError('INVALID_FAULT', 'ring: `nodes` must list every node, in order');
      grudge = ringGrudge(order);
      what = `ring ${order.join('-')}`;
      break;
    }
    case 'one-way': {
      let from: string;
      let to: string;
      if (pinned) {
        if (pinned.length !== 2 || pinned[0] === pinned[1]) throw new NemesisError('INVALID_FAULT', 'one-way: `nodes` must be [from, to], two different nodes');
        [from, to] = [pinned[0]!, pinned[1]!];
      } else {
        from = snapshot.leader ?? pick(random, all);
        to = pick(random, all.filter((n) => n !== from));
      }
      grudge = oneWayGrudge(from, to);
      what = `one-way: ${from}'s messages to ${to} vanish`;
      break;
    }
  }
  const hit = new Set<string>();
  for (const [to, froms] of grudge) if (froms.size > 0) { hit.add(to); for (const f of froms) hit.add(f); }
  const nodes = all.filter((n) => hit.has(n));
  return { nodes, grudge, describe: `partition ${shape}: ${what} (${describeGrudge(grudge)})` };
}

/** The directed peer links a grudge silences: `from_to_to` for every `to` dropping `from`. */
export function grudgeLinks(grudge: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const links: string[] = [];
  for (const [to, froms] of grudge) for (const from of froms) links.push(peerLinkName(from, to));
  return links.sort();
}

export function grudgeRecord(grudge: ReadonlyMap<string, ReadonlySet<string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [to, froms] of grudge) out[to] = [...froms].sort();
  return out;
}
