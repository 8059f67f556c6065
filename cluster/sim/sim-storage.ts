import type { Entry, HardState, Snapshot } from '../raft/messages.ts';
import { mustSync } from '../storage/raft-storage.ts';
import type { Rng } from '../common/rng.ts';

/**
 * In-memory durable state of one simulated node. `persist` models a write followed by a sync;
 * a crash in between keeps only a random prefix of the batch's writes (what a torn write-ahead
 * log recovers to), and the batch's messages are never sent. A batch that only moves the commit
 * index is not synced (as in the file storage); a crash loses every such update since the last
 * sync, the worst case the real storage allows.
 */
export class SimStorage {
  hardState: HardState = { term: 0, vote: null, commit: 0 };
  private syncedHardState: HardState = this.hardState;
  snapshot: Snapshot | null = null;
  entries: Entry[] = [];

  /** Returns false if the node crashed part-way (only a prefix of the batch became durable). */
  persist(batch: { hardState: HardState | null; entries: readonly Entry[]; snapshot: Snapshot | null }, crash: Rng | null): boolean {
    const sync = mustSync(this.hardState, { hardState: batch.hardState, entries: batch.entries, snapshot: batch.snapshot });
    const ops: (() => void)[] = [];
    if (batch.snapshot) ops.push(() => this.installSnapshot(batch.snapshot!));
    for (const e of batch.entries) ops.push(() => this.putEntry(e));
    if (batch.hardState) ops.push(() => { this.hardState = batch.hardState!; });
    const keep = crash ? crash.int(0, Math.max(0, ops.length - 1)) : ops.length;
    for (let i = 0; i < keep; i++) ops[i]!();
    if (crash !== null) this.loseUnsynced();
    else if (sync) this.syncedHardState = this.hardState;
    return crash === null;
  }

  /** A crash: the hard state falls back to the last synced one (entries are always synced). */
  loseUnsynced(): void {
    this.hardState = this.syncedHardState;
  }

  private putEntry(e: Entry): void {
    const first = this.firstIndex();
    const at = e.index - first;
    if (at < 0) return;
    if (at > this.entries.length) throw new Error(`sim storage: gap writing ${e.index} after ${this.lastIndex()}`);
    this.entries.length = at;
    this.entries.push(e);
  }

  private installSnapshot(s: Snapshot): void {
    const keep = this.entries.findIndex((e) => e.index === s.index && e.term === s.term);
    this.entries = keep >= 0 ? this.entries.slice(keep + 1) : [];
    this.snapshot = s;
  }

  compact(s: Snapshot): void {
    if (this.snapshot && s.index <= this.snapshot.index) return;
    this.entries = this.entries.filter((e) => e.index > s.index);
    this.snapshot = s;
  }

  firstIndex(): number {
    return (this.snapshot?.index ?? 0) + 1;
  }

  lastIndex(): number {
    return (this.snapshot?.index ?? 0) + this.entries.length;
  }

  entry(index: number): Entry | undefined {
    return this.entries[index - this.firstIndex()];
  }
}
