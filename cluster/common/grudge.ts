/** A node's id, as cluster/raft/messages.ts names it (kept a plain string so this file sits below raft). */
type NodeId = string;

/**
 * A partition as data (Jepsen's "grudge"): for each node, the nodes whose traffic it drops.
 * Every partition shape (isolate one, majority/minority, bridge, ring, one-way) is one of these,
 * so one mechanism applies and heals all of them.
 */
export type Grudge = ReadonlyMap<NodeId, ReadonlySet<NodeId>>;

export type GrudgeKind = 'isolate' | 'majority-minority' | 'bridge' | 'ring' | 'one-way';

export const grudgeKinds: readonly GrudgeKind[] = ['isolate', 'majority-minority', 'bridge', 'ring', 'one-way'];

/** Nobody in `a` hears anybody in `b` and vice versa. */
export function splitGrudge(a: readonly NodeId[], b: readonly NodeId[]): Map<NodeId, Set<NodeId>> {
  const g = new Map<NodeId, Set<NodeId>>();
  for (const x of a) g.set(x, new Set(b));
  for (const y of b) g.set(y, new Set(a));
  return g;
}

export function isolateGrudge(node: NodeId, all: readonly NodeId[]): Map<NodeId, Set<NodeId>> {
  return splitGrudge([node], all.filter((n) => n !== node));
}

/**
 * Bridge: two halves that cannot hear each other, and one node that hears both. Each side plus
 * the bridge can form a majority, the classic recipe for two leaders believing they are fine.
 */
export function bridgeGrudge(ordered: readonly NodeId[]): Map<NodeId, Set<NodeId>> {
  const mid = Math.floor(ordered.length / 2);
  const bridge = ordered[mid]!;
  const left = ordered.slice(0, mid);
  const right = ordered.slice(mid + 1);
  const g = splitGrudge(left, right);
  g.set(bridge, new Set());
  return g;
}

/** Ring: each node hears only its two neighbours in `ordered`. */
export function ringGrudge(ordered: readonly NodeId[]): Map<NodeId, Set<NodeId>> {
  const n = ordered.length;
  const g = new Map<NodeId, Set<NodeId>>();
  ordered.forEach((node, i) => {
    const neighbours = new Set([ordered[(i + 1) % n]!, ordered[(i + n - 1) % n]!]);
    g.set(node, new Set(ordered.filter((o) => o !== node && !neighbours.has(o))));
  });
  return g;
}

/** One-way: `to` drops everything from `from`, while `from` still hears `to`. */
export function oneWayGrudge(from: NodeId, to: NodeId): Map<NodeId, Set<NodeId>> {
  return new Map([[to, new Set([from])]]);
}

export function drops(grudge: Grudge, from: NodeId, to: NodeId): boolean {
  return grudge.get(to)?.has(from) ?? false;
}

export function describeGrudge(grudge: Grudge): string {
  const parts: string[] = [];
  for (const [to, froms] of grudge) if (froms.size > 0) parts.push(`${to}x[${[...froms].join(',')}]`);
  return parts.length ? parts.join(' ') : 'none';
}
