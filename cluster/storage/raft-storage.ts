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

/** `never` skips every fsync: only for benchmarks, and results must say so. */
export type FsyncPolicy = 'always' | 'never';

export interface RaftStorage {
  /** Once, at start, before any other call. */
  load(): Promise<DurableState>;
  /**
   * Durable (per fsync policy) when it resolves; calls take effect in call order. An entry at
   * index i replaces the stored entry at i and all after it. A snapshot in the batch (received by
   * InstallSnapshot) replaces the log: entries <= snapshot.index are discarded, and if the log
   * does not contain (snapshot.index, snapshot.term) all entries are discarded.
   */
  persist(batch: PersistBatch): Promise<void>;
  /**
   * The host took a state-machine snapshot at snapshot.index (<= last persisted index, with the
   * stored term there): keep it, drop entries <= index. A snapshot not newer than the one held is
   * ignored.
   */
  compact(snapshot: Snapshot): Promise<void>;
  close(): Promise<void>;
}
