// The in-memory twin of FileStorage, for unit tests of hosts: the same contract and the same
// validation (both are log-model.ts), nothing survives the process.
import type { Snapshot } from '../raft/messages.ts';
import { StorageError } from './errors.ts';
import { checkSnapshotText, LogModel } from './log-model.ts';
import { mustSync, type DurableState, type PersistBatch, type RaftStorage } from './raft-storage.ts';

export class MemoryStorage implements RaftStorage {
  private readonly model = new LogModel();
  private loaded = false;
  private closed = false;

  /** Optionally start from a given state, as if it had been persisted before. */
  constructor(initial?: DurableState) {
    if (initial) this.model.reset(initial.hardState, initial.snapshot, initial.entries);
  }

  async load(): Promise<DurableState> {
    this.ready(false);
    this.loaded = true;
    return this.model.state();
  }

  async persist(batch: PersistBatch): Promise<boolean> {
    this.ready(true);
    this.model.checkBatch(batch);
    const synced = mustSync(this.model.hardState, batch);
    this.model.applyBatch(batch);
    return synced;
  }

  async compact(snapshot: Snapshot): Promise<void> {
    this.ready(true);
    if (this.model.checkCompact(snapshot)) {
      checkSnapshotText(snapshot);
      this.model.installSnapshot(snapshot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** What a reload would see; for tests that compare against this twin. */
  current(): DurableState {
    return this.model.state();
  }

  private ready(wantLoaded: boolean): void {
    if (this.closed) throw new StorageError('CLOSED', 'storage is closed');
    if (wantLoaded && !this.loaded) throw new StorageError('NOT_LOADED', 'call load() before persist() or compact()');
    if (!wantLoaded && this.loaded) throw new StorageError('ALREADY_LOADED', 'load() is called once, at start');
  }
}
