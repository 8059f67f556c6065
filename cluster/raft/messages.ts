// Wire vocabulary of the Raft core. Plain JSON-serialisable objects: the host chooses the
// encoding; the core never sees bytes.

export type NodeId = string;

/** `noop` is appended by every new leader (§5.4.2: lets it commit entries of earlier terms). */
export type EntryKind = 'command' | 'noop';

export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly kind: EntryKind;
  /** Opaque to the core: the state machine's command, already encoded by the host. */
  readonly data: string;
}

/** Durable vote state (§5.1, §5.2): must be on disk before any message that depends on it leaves. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId | null;
  readonly commit: number;
}

export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
}

export interface Snapshot extends SnapshotMeta {
  /** The state machine's serialised state as of `index`, opaque to the core. */
  readonly data: string;
}

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

export interface VoteRequest extends Envelope {
  readonly type: 'vote' | 'prevote';
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  /** Set by a leadership transfer: voters must not refuse on the grounds of a live leader. */
  readonly transfer: boolean;
}

export interface VoteResponse extends Envelope {
  readonly type: 'voteResp' | 'prevoteResp';
  readonly granted: boolean;
}

export interface AppendRequest extends Envelope {
  readonly type: 'append';
  readonly prevIndex: number;
  readonly prevTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

export interface AppendResponse extends Envelope {
  readonly type: 'appendResp';
  readonly success: boolean;
  /** On success: the highest index now known to match the leader. On rejection: the rejected prevIndex. */
  readonly index: number;
  /**
   * Fast backtracking on rejection: the follower's best guess of where the logs may agree:
   * the last index whose term is <= the rejected prevTerm (or its last index if shorter).
   */
  readonly hintIndex: number;
  readonly hintTerm: number;
  /**
   * Set by a node that lost its durable state and is catching up: its acknowledgement proves no
   * durable copy of what it lost, so the leader must not count it towards commit (lost-state rule).
   */
  readonly catchingUp?: boolean;
}

export interface HeartbeatRequest extends Envelope {
  readonly type: 'heartbeat';
  /** min(follower's match, leader commit): never lets a follower commit past what it has verified. */
  readonly commit: number;
  /** ReadIndex round this heartbeat confirms, if any. */
  readonly readCtx: string | null;
}

export interface HeartbeatResponse extends Envelope {
  readonly type: 'heartbeatResp';
  readonly readCtx: string | null;
  /** As on AppendResponse: an idle leader learns from heartbeats that a follower lost its state. */
  readonly catchingUp?: boolean;
}

export interface InstallSnapshot extends Envelope {
  readonly type: 'snapshot';
  readonly snapshot: Snapshot;
}

/** Leadership transfer: the leader tells an up-to-date follower to campaign now. */
export interface TimeoutNow extends Envelope {
  readonly type: 'timeoutNow';
}

export type Message =
  | VoteRequest
  | VoteResponse
  | AppendRequest
  | AppendResponse
  | HeartbeatRequest
  | HeartbeatResponse
  | InstallSnapshot
  | TimeoutNow;

export type MessageType = Message['type'];
