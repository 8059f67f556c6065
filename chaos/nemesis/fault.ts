/**
 * Faults as data (Jepsen's nemesis vocabulary). A Fault says what to do in terms of roles;
 * the nemesis resolves roles against the live cluster into an AppliedFault, whose undo steps
 * are written to the ledger before anything is changed, so every fault can be healed by a
 * later process that knows nothing but the ledger.
 */
import type { DropRule, SavedEndpoint } from '../runtime/runtime.ts';

/** Whom a process fault hits, resolved when it is injected. */
export type Target =
  | { readonly role: 'leader' }
  | { readonly role: 'follower' }
  | { readonly role: 'random' }
  /** Floor((N-1)/2) nodes, never including the leader unless `withLeader`. */
  | { readonly role: 'minority'; readonly withLeader?: boolean }
  | { readonly role: 'node'; readonly node: string };

/** Partition shapes; each resolves to a grudge (to -> the nodes it drops traffic from). */
export type PartitionShape =
  | 'isolate-one'
  | 'isolate-leader'
  /** The leader plus floor((N-1)/2)-1 others cut off from the rest: it must step down. */
  | 'leader-minority'
  | 'majority-minority'
  | 'bridge'
  | 'ring'
  /** One direction only: `from`'s messages to `to` vanish, the reverse still flows. */
  | 'one-way';

/** How a partition cuts: toxics on the proxy's links (default), or under the proxy (Docker runtime). */
export type PartitionVia = 'proxy' | 'network';

export interface ToxicSpec {
  readonly type: 'latency' | 'bandwidth' | 'timeout' | 'reset_peer' | 'slow_close' | 'slicer' | 'limit_data';
  readonly attributes: Readonly<Record<string, number>>;
  readonly stream?: 'upstream' | 'downstream';
  readonly toxicity?: number;
}

/** Which links a toxic goes on: every peer link, every link, those of one node, or by name. */
export type LinkSelector =
  | { readonly links: 'peers' }
  | { readonly links: 'all' }
  | { readonly links: 'to-node' | 'from-node'; readonly target: Target }
  | { readonly links: 'named'; readonly names: readonly string[] };

export type Fault =
  | { readonly kind: 'kill'; readonly target: Target }
  | { readonly kind: 'pause'; readonly target: Target }
  | { readonly kind: 'stop'; readonly target: Target }
  | { readonly kind: 'partition'; readonly shape: PartitionShape; readonly nodes?: readonly string[]; readonly via?: PartitionVia }
  | { readonly kind: 'link-toxic'; readonly select: LinkSelector; readonly toxic: ToxicSpec }
  /** Not a fault to heal but an action: move leadership (rolling restarts). */
  | { readonly kind: 'transfer-leadership'; readonly to?: string };

/** What undoes an applied fault; every step is idempotent so a heal can be retried. */
export type UndoStep =
  | { readonly kind: 'resume'; readonly member: string }
  | { readonly kind: 'start'; readonly member: string }
  | { readonly kind: 'remove-toxic'; readonly proxy: string; readonly toxic: string }
  | { readonly kind: 'enable-proxy'; readonly proxy: string }
  /** A member disconnected from the cluster network: connect it again with its name and address. */
  | { readonly kind: 'reconnect'; readonly member: string; readonly endpoint: SavedEndpoint }
  /** A DROP rule in a member's network namespace (one directed link cut under the proxy). */
  | { readonly kind: 'remove-drop'; readonly member: string; readonly rule: DropRule };

export interface AppliedFault {
  readonly id: string;
  readonly fault: Fault;
  /** Human-readable: "kill node2 (leader, term 4)". */
  readonly describe: string;
  /** The nodes the fault hit, after role resolution. */
  readonly nodes: readonly string[];
  /** For partitions: to -> [from...] it drops. */
  readonly grudge?: Readonly<Record<string, readonly string[]>>;
  /** Wall-clock ms when the fault took effect (after the ledger write and the action). */
  readonly appliedAtMs: number;
  readonly undo: readonly UndoStep[];
}
