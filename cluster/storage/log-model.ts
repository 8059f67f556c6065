// The storage contract's semantics in one place, over plain memory: the memory twin is this
// model, and the file storage keeps one to validate calls, answer load() and write checkpoints.
// Both therefore agree by construction on what persist/compact mean; the property test checks
// that the bytes on disk reproduce the model.
import type { Entry, HardState, Snapshot } from '../raft/messages.ts';
import { StorageError } from './errors.ts';
import type { DurableState, PersistBatch } from './raft-storage.ts';
import { snapshotPieces } from './snapshot-text.ts';

export const emptyHardState: HardState = { term: 0, vote: null, commit: 0 };

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * Strings are stored as UTF-8, which cannot carry a lone UTF-16 surrogate (it would come back as
 * U+FFFD): refuse such a string rather than store something else than was given.
 */
/** A string JSON and UTF-8 carry unchanged: no lone surrogate (it would come back as U+FFFD). */
export function isStorableText(s: unknown): s is string {
  return typeof s === 'string' && !/\p{Cs}/u.test(s);
}

function invalid(message: string): StorageError {
  return new StorageError('INVALID_ARGUMENT', message);
}

export function checkHardState(hs: HardState): void {
  if (!isCount(hs.term) || !isCount(hs.commit) || !(hs.vote === null || isStorableText(hs.vote))) {
    throw invalid(`malformed hard state ${JSON.stringify(hs)}`);
  }
}

export function checkEntry(e: Entry): void {
  if (!isCount(e.index) || e.index < 1 || !isCount(e.term) || (e.kind !== 'command' && e.kind !== 'noop') || !isStorableText(e.data)) {
    throw invalid(`malformed entry ${JSON.stringify(e).slice(0, 200)}`);
  }
}

function checkSnapshotShape(s: Snapshot): void {
  checkSnapshotMeta(s);
  checkSnapshotText(s);
}

function checkSnapshotMeta(s: Snapshot): void {
  if (!isCount(s.index) || !isCount(s.term)) throw invalid(`malformed snapshot index=${String(s.index)} term=${String(s.term)}`);
}

/** A whole scan of the text: the file storage does it piece by piece while writing instead. */
export function checkSnapshotText(s: Snapshot): void {
  if (!snapshotPieces(s).every(isStorableText)) {
    throw invalid(`malformed snapshot ${String(s.index)}: data must be a string without lone surrogates`);
  }
}

export class LogModel {
  hardState: HardState = emptyHardState;
  snapshot: Snapshot | null = null;
  /** Invariant: entries[k].index === baseIndex + 1 + k. */
  private entries: Entry[] = [];

  get baseIndex(): number { return this.snapshot?.index ?? 0; }
  get baseTerm(): number { return this.snapshot?.term ?? 0; }
  get lastIndex(): number { return this.baseIndex + this.entries.length; }

  /** Term at `index` when the model knows it (the snapshot's own index included). */
  termAt(index: number): number | undefined {
    if (index === this.baseIndex) return this.baseTerm;
    if (index < this.baseIndex || index > this.lastIndex) return undefined;
    return this.entries[index - this.baseIndex - 1]!.term;
  }

  /** The entries after the snapshot, oldest first; callers must not mutate the array. */
  tail(): readonly Entry[] { return this.entries; }

  /** Throws INVALID_ARGUMENT / SNAPSHOT_OUT_OF_DATE without changing anything. */
  checkBatch(batch: PersistBatch): void {
    if (batch.hardState) checkHardState(batch.hardState);
    let base = this.baseIndex;
    let last = this.lastIndex;
    if (batch.snapshot) {
      const s = batch.snapshot;
      checkSnapshotShape(s);
      if (s.index < base) {
        throw new StorageError('SNAPSHOT_OUT_OF_DATE', `snapshot at ${s.index} is older than the held one at ${base}`);
      }
      last = this.termAt(s.index) === s.term ? Math.max(last, s.index) : s.index;
      base = s.index;
    }
    let prev: number | null = null;
    for (const e of batch.entries) {
      checkEntry(e);
      if (prev !== null && e.index !== prev + 1) throw invalid(`entries not contiguous: ${e.index} follows ${prev}`);
      prev = e.index;
    }
    const first = batch.entries[0];
    if (first && first.index > last + 1) {
      throw invalid(`gap: first entry ${first.index} does not follow the last stored index ${last}`);
    }
  }

  /** Apply a batch that passed checkBatch. */
  applyBatch(batch: PersistBatch): void {
    if (batch.snapshot) this.installSnapshot(batch.snapshot);
    this.appendEntries(batch.entries);
    if (batch.hardState) this.hardState = batch.hardState;
  }

  /** Entries at or below the snapshot are already covered by it and are skipped. */
  appendEntries(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.index <= this.baseIndex) continue;
      if (e.index > this.lastIndex + 1) throw invalid(`gap: entry ${e.index} after ${this.lastIndex}`);
      this.entries.length = e.index - this.baseIndex - 1;
      this.entries.push(e);
    }
  }

  installSnapshot(s: Snapshot): void {
    if (this.termAt(s.index) === s.term) this.entries = this.entries.slice(Math.max(0, s.index - this.baseIndex));
    else this.entries = [];
    this.snapshot = s;
  }

  /** Whether compact(s) changes anything; throws if it is not allowed. */
  /** Index and term only: the caller checks the text (checkSnapshotText, or while writing it). */
  checkCompact(s: Snapshot): boolean {
    checkSnapshotMeta(s);
    if (s.index < this.baseIndex || (s.index === this.baseIndex && s.term === this.baseTerm)) return false;
    if (s.index > this.lastIndex) throw invalid(`compaction at ${s.index} is past the last stored index ${this.lastIndex}`);
    const term = this.termAt(s.index);
    if (term !== s.term) throw invalid(`compaction at ${s.index} names term ${s.term} but the log has term ${String(term)}`);
    return true;
  }

  /** Replace everything: used when replaying a checkpoint record. */
  reset(hardState: HardState, snapshot: Snapshot | null, entries: Entry[]): void {
    this.hardState = hardState;
    this.snapshot = snapshot;
    this.entries = [];
    this.appendEntries(entries);
  }

  /** A copy the caller may keep: later calls do not change it. */
  state(): DurableState {
    return { hardState: this.hardState, snapshot: this.snapshot, entries: this.entries.slice() };
  }
}
