import { invariant } from './errors.ts';
import type { Entry, Snapshot, SnapshotMeta } from './messages.ts';

/**
 * The in-memory view of the replicated log: a snapshot (everything up to snapshot.index,
 * compacted) followed by the entries after it. The core keeps the whole uncompacted tail in
 * memory; compaction every `snapshotEntries` applied entries keeps that bounded.
 *
 * Invariants: snapshot.index <= applied <= committed <= lastIndex;
 *             stable <= lastIndex (entries above stable are not yet durable).
 */
export class RaftLog {
  private entries: Entry[];
  snapshot: Snapshot;
  committed: number;
  applied: number;
  /** Highest index known durable on this node's storage. */
  stable: number;
  /** Snapshot received from a leader, to be persisted and applied by the host. */
  pendingSnapshot: Snapshot | null = null;

  constructor(snapshot: Snapshot | null, entries: readonly Entry[], committed: number) {
    this.snapshot = snapshot ?? { index: 0, term: 0, data: '' };
    this.entries = [...entries];
    for (let i = 0; i < this.entries.length; i++) {
      invariant(this.entries[i]!.index === this.snapshot.index + 1 + i, 'restored log is not contiguous');
    }
    this.committed = Math.max(committed, this.snapshot.index);
    invariant(this.committed <= this.lastIndex(), `commit ${committed} beyond last index ${this.lastIndex()}`);
    this.applied = this.snapshot.index;
    this.stable = this.lastIndex();
  }

  firstIndex(): number {
    return this.snapshot.index + 1;
  }

  lastIndex(): number {
    return this.snapshot.index + this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** Term of the entry at `index`, or undefined if compacted away or not present. */
  term(index: number): number | undefined {
    if (index === this.snapshot.index) return this.snapshot.term;
    if (index < this.snapshot.index || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshot.index - 1]!.term;
  }

  entry(index: number): Entry | undefined {
    if (index <= this.snapshot.index || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshot.index - 1];
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up-to-date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /** Entries in [from, to], at most maxCount and about maxBytes (always at least one). */
  slice(from: number, to: number, maxCount = Infinity, maxBytes = Infinity): Entry[] {
    invariant(from > this.snapshot.index, `slice from ${from} is compacted`);
    const end = Math.min(to, this.lastIndex(), from + maxCount - 1);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = from; i <= end; i++) {
      const e = this.entries[i - this.snapshot.index - 1]!;
      bytes += e.data.length + 32;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    invariant(first === this.lastIndex() + 1, `append at ${first} leaves a gap after ${this.lastIndex()}`);
    for (const e of entries) this.entries.push(e);
  }

  /**
   * Follower side of AppendEntries (§5.3): skip entries we already have, truncate at the first
   * conflict, append the rest. Returns the index of the last new entry.
   */
  appendFromLeader(prevIndex: number, entries: readonly Entry[]): number {
    let i = 0;
    for (; i < entries.length; i++) {
      const e = entries[i]!;
      const ours = this.term(e.index);
      if (ours === undefined && e.index <= this.snapshot.index) continue; // compacted: committed, so equal
      if (ours !== e.term) break;
    }
    if (i < entries.length) {
      const conflict = entries[i]!.index;
      invariant(conflict > this.committed, `conflict at ${conflict} would overwrite committed ${this.committed}`);
      this.truncateFrom(conflict);
      this.append(entries.slice(i));
    }
    return prevIndex + entries.length;
  }

  private truncateFrom(index: number): void {
    if (index > this.lastIndex()) return;
    this.entries.length = index - this.snapshot.index - 1;
    if (this.stable >= index) this.stable = index - 1;
  }

  /**
   * Fast backtracking (§5.3, "optimization"): the largest index <= `index` whose term is
   * <= `term`. A leader that probes at (index, term) can skip every entry of a term that the
   * other side cannot share.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex());
    while (i > this.snapshot.index) {
      const t = this.term(i)!;
      if (t <= term) return { index: i, term: t };
      i--;
    }
    return { index: this.snapshot.index, term: this.snapshot.term };
  }

  commitTo(index: number): boolean {
    if (index <= this.committed) return false;
    invariant(index <= this.lastIndex(), `commit ${index} beyond last index ${this.lastIndex()}`);
    this.committed = index;
    return true;
  }

  /** Committed entries not yet handed to the host, at most `maxCount`. */
  nextCommitted(maxCount: number): Entry[] {
    const from = Math.max(this.applied + 1, this.firstIndex());
    if (from > this.committed) return [];
    return this.slice(from, this.committed, maxCount);
  }

  unstableEntries(): Entry[] {
    if (this.stable >= this.lastIndex()) return [];
    return this.slice(Math.max(this.stable + 1, this.firstIndex()), this.lastIndex());
  }

  /** The host made (index, term) durable; ignore it if that entry was replaced meanwhile. */
  stableTo(index: number, term: number): void {
    if (this.term(index) === term && index > this.stable) this.stable = index;
  }

  appliedTo(index: number): void {
    invariant(index <= this.committed, `applied ${index} beyond commit ${this.committed}`);
    if (index > this.applied) this.applied = index;
  }

  /** The host took a state-machine snapshot at `snapshot.index` (<= applied): drop what it covers. */
  compact(snapshot: Snapshot): void {
    if (snapshot.index <= this.snapshot.index) return;
    invariant(snapshot.index <= this.applied, `compact at ${snapshot.index} beyond applied ${this.applied}`);
    invariant(this.term(snapshot.index) === snapshot.term, `compact term mismatch at ${snapshot.index}`);
    this.entries = this.entries.slice(snapshot.index - this.snapshot.index);
    this.snapshot = snapshot;
  }

  /** InstallSnapshot on a follower whose log does not contain (snapshot.index, term). */
  restore(snapshot: Snapshot): void {
    this.entries = [];
    this.snapshot = snapshot;
    this.committed = snapshot.index;
    this.applied = snapshot.index;
    this.stable = snapshot.index;
    this.pendingSnapshot = snapshot;
  }

  snapshotMeta(): SnapshotMeta {
    return { index: this.snapshot.index, term: this.snapshot.term };
  }
}
