// The host's one dependency for durable Raft state (hashicorp-style: one small interface with an
// in-memory twin, memory-storage.ts, beside the real one, file-storage.ts).
import type { Entry, HardState, Snapshot } from '../raft/messages.ts';

export interface DurableState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  /** Contiguous, all with index > snapshot.index (or starting at 1 without a snapshot). */
  readonly entries: Entry[];
}

/** One Ready's worth of state, applied in the order snapshot, entries, hard state. */
export interface PersistBatch {
  readonly hardState: HardState | null;
  readonly entries: readonly Entry[];
  readonly snapshot: Snapshot | null;
}

/**
 * Whether a batch must be synced before it counts as persisted (etcd's MustSync): entries, a
 * snapshot, or a new term or vote. A batch whose only change is the commit index is written but
 * not synced: the commit index is a lower bound that a restarted node relearns from the leader
 * (the core starts at max(commit, snapshot index)), so losing its latest value in a power cut is
 * safe, while syncing it put a second fdatasync on every write's path (leader: persist entries,
 * then persist the commit before applying) and doubled the syncs per round.
 */
export function mustSync(durable: HardState, batch: PersistBatch): boolean {
  if (batch.entries.length > 0 || batch.snapshot !== null) return true;
  const h = batch.hardState;
  return h !== null && (h.term !== durable.term || h.vote !== durable.vote);
}

/** `never` skips every fsync: only for benchmarks, and results must say so. */
export type FsyncPolicy = 'always' | 'never';

export interface RaftStorage {
  /** Once, at start, before any other call. */
  load(): Promise<DurableState>;
  /**
   * Durable (per fsync policy) when it resolves, except a batch that only moves the commit index
   * (see mustSync); resolves with mustSync for this batch, so the caller knows whether it was a
   * synced write without tracking the durable state itself. Calls take effect in call order. An entry at
   * index i replaces the stored entry at i and all after it. A snapshot in the batch (received by
   * InstallSnapshot) replaces the log: entries <= snapshot.index are discarded, and if the log
   * does not contain (snapshot.index, snapshot.term) all entries are discarded.
   */
  persist(batch: PersistBatch): Promise<boolean>;
  /**
   * The host took a state-machine snapshot at snapshot.index (<= last persisted index, with the
   * stored term there): keep it, drop entries <= index. A snapshot not newer than the one held is
   * ignored.
   */
  compact(snapshot: Snapshot): Promise<void>;
  close(): Promise<void>;
}
