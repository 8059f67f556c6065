import type { Entry, HardState, Message, NodeId, Snapshot } from './messages.ts';

export type Role = 'LEADER' | 'FOLLOWER' | 'CANDIDATE' | 'PRECANDIDATE';

export interface SoftState {
  readonly role: Role;
  readonly leader: NodeId | null;
  readonly term: number;
}

/** A linearizable read may be served once the state machine has applied `index`. */
export interface ReadState {
  readonly ctx: string;
  readonly index: number;
}

/** Facts worth an audit line; the host stamps them with wall-clock time. */
export type RaftEvent =
  | { readonly kind: 'role'; readonly role: Role; readonly term: number; readonly leader: NodeId | null }
  | { readonly kind: 'election-start'; readonly term: number; readonly preVote: boolean }
  | { readonly kind: 'elected'; readonly term: number }
  | { readonly kind: 'step-down'; readonly term: number; readonly reason: string }
  | { readonly kind: 'snapshot-installed'; readonly index: number; readonly term: number }
  | { readonly kind: 'compacted'; readonly index: number; readonly term: number }
  | { readonly kind: 'transfer'; readonly term: number; readonly target: NodeId }
  | { readonly kind: 'read-dropped'; readonly ctx: string; readonly reason: string }
  /** A node that lost its state holds, durably, all the leader had committed: it votes again. */
  | { readonly kind: 'caught-up'; readonly index: number; readonly term: number };

/**
 * Everything the host must do after feeding the core, in this order:
 *
 *   1. persist `snapshot` (if any), then `entries` (an entry at index i replaces the stored
 *      entry at i and every entry after it), then `hardState` (if any), and sync them
 *      (one fsync for the whole batch is enough);
 *   2. only then send `messages` (a vote or an append acknowledgement that left before its
 *      cause was durable could be forgotten by a crash and break election safety or commit),
 *      unless `sendBeforePersist` is set: then the host may send them before step 1;
 *   3. apply `snapshot` to the state machine, then `committedEntries` in order;
 *   4. answer `readStates` once the state machine has applied their index;
 *   5. call `advance(ready)`.
 *
 * Persisting and sending may overlap for different batches only if each batch's messages wait
 * for its own persist; the simple host does one batch at a time.
 */
export interface Ready {
  readonly softState: SoftState | null;
  readonly hardState: HardState | null;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
  readonly messages: readonly Message[];
  /**
   * The messages depend on nothing this batch persists, so they may leave while it is being
   * written: the leader's disk write then overlaps its followers' (Raft thesis §10.2.1, and what
   * etcd's server does). Set only for a leader whose term and vote are already durable (the
   * batch changes at most the commit index), so every message carries a durable term; the
   * entries it sends may not be durable here yet, which is safe because the leader counts its
   * own copy towards commit only at advance(), after the persist, and a follower's copy only
   * from an acknowledgement the follower sends after its own persist. A crash before the
   * persist leaves followers holding entries the leader lost, the same as a crash just after
   * sending them.
   */
  readonly sendBeforePersist: boolean;
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  readonly events: readonly RaftEvent[];
}
