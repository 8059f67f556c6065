// Durable Raft state in a directory: a write-ahead log of checksummed records in numbered
// segment files, plus snapshot files.
//
// Data dir layout:
//
//   wal-0000000000000007.log   WAL segments, sequence numbers only grow (name order = write
//                              order); frames as in record-codec.ts, types in wal-records.ts
//   snap-<index>-<term>.snap   the snapshot (16-digit zero-padded numbers); one frame with a CRC
//   *.tmp                      a snapshot being written; debris after a crash, deleted on open
//
// Replay starts at the newest segment whose first record is a checkpoint (hard state, snapshot
// index/term and every entry after the snapshot), then applies every later record in order.
// Every snapshot (a compaction, or an InstallSnapshot in a batch) is followed by a new segment
// that opens with a checkpoint, after which every older segment and snapshot file is deleted.
//
// Why checkpoints rather than "delete segments whose entries are all <= the snapshot index":
// segment contents are not monotone in index (a conflicting suffix rewrites lower indexes, an
// installed snapshot may discard everything), so which old records still matter depends on
// history that deletion would erase. A checkpoint states the whole surviving state in one
// record, so everything before it is garbage, and the current hard state survives deletion
// because it is in the checkpoint. The cost is copying the entries after the snapshot once per
// snapshot; a host compacts at its applied index, so that tail is the few unapplied entries.
//
// Order of effects, so that a crash at any point leaves a loadable state:
//   snapshot: write temp, fsync, rename, fsync dir  ->  new segment with the checkpoint, fdatasync,
//   fsync dir  ->  unlink older segments and snapshots (in the background: writes go on meanwhile,
//   compact() resolves after it). A crash before the checkpoint is durable
//   leaves a snapshot newer than the last checkpoint: load() applies it to the replayed log with
//   InstallSnapshot semantics (exact for compaction too, since the log contains its index and
//   term) and writes the missing checkpoint.
//   persist: one write of all coalesced batches' records, one fdatasync (none if every batch only
//   moved the commit index: raft-storage.ts mustSync). A crash cuts the tail
//   of that write; load() truncates the torn record, leaving a prefix of the calls, which is a
//   valid state (the hard state is written after its batch's entries).
//
// Holds the entries after the snapshot in memory (the core does too) to validate calls, answer
// load() and write checkpoints.
import { access, mkdir, readdir, unlink } from 'node:fs/promises';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Entry, Snapshot } from '../raft/messages.ts';
import { fsyncDir } from './dir-sync.ts';
import { fsyncDelayMs, noteRemoved } from './sync-ledger.ts';
import { StorageError, WalCorruptError, storageInvariant } from './errors.ts';
import { checkEntry, checkHardState, LogModel } from './log-model.ts';
import { mustSync, type DurableState, type FsyncPolicy, type PersistBatch, type RaftStorage } from './raft-storage.ts';
import { encodeFrame, recordBytesMax, scanFrames } from './record-codec.ts';
import type { Frame } from './record-codec.ts';
import { parseSegmentName, readSegment, segmentName, SegmentWriter, truncateSegment } from './segment-file.ts';
import { parseSnapshotName, readSnapshotFile, snapshotName, tempSuffix, writeSnapshotFile } from './snapshot-file.ts';
import { snapshotUtf8Bytes } from './snapshot-text.ts';
import {
  decodeCheckpoint, decodeEntry, decodeHardState, encodeCheckpoint, encodeEntry, encodeHardState,
  isWalRecordType, PayloadError, RecordType,
} from './wal-records.ts';

export const segmentBytesMaxDefault = 64 * 1024 * 1024;

export interface FileStorageOptions {
  readonly dir: string;
  /** A segment is closed once the next write would take it past this size; default 64 MiB. */
  readonly segmentBytesMax?: number;
  /** Default `always`; `never` is for benchmarks only. */
  readonly fsync?: FsyncPolicy;
  /**
   * Deletes one garbage file (default: unlink, ENOENT ignored). A test passes a slow one to
   * prove that writes do not wait for tidying.
   */
  readonly deleteFile?: (path: string) => Promise<void>;
}

export interface FileStorageStats {
  persistCalls: number;
  compactCalls: number;
  /** Coalesced groups that wrote WAL records: one write and (policy `always`) one fdatasync each. */
  walWrites: number;
  walSyncs: number;
  walBytesWritten: number;
  checkpoints: number;
  segmentsCreated: number;
}

type Op =
  | { readonly kind: 'persist'; readonly batch: PersistBatch; readonly resolve: (synced: boolean) => void; readonly reject: (e: unknown) => void }
  | { readonly kind: 'compact'; readonly snapshot: Snapshot; readonly resolve: () => void; readonly reject: (e: unknown) => void };

interface SegmentScan { readonly seq: number; readonly path: string; readonly frames: Frame[]; readonly sizeBytes: number }

export class FileStorage implements RaftStorage {
  readonly dir: string;
  readonly segmentBytesMax: number;
  readonly fsyncPolicy: FsyncPolicy;
  readonly stats: FileStorageStats = {
    persistCalls: 0, compactCalls: 0, walWrites: 0, walSyncs: 0, walBytesWritten: 0, checkpoints: 0, segmentsCreated: 0,
  };

  private readonly model = new LogModel();
  private phase: 'new' | 'loading' | 'open' | 'closed' = 'new';
  private writer: SegmentWriter | null = null;
  private nextSeq = 1;
  private queue: Op[] = [];
  private draining: Promise<void> | null = null;
  /** The last deletion of checkpoint garbage (tidy()); settled, never rejected. */
  private tidying: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private readonly deleteFile: (path: string) => Promise<void>;

  constructor(options: FileStorageOptions) {
    const { dir, segmentBytesMax = segmentBytesMaxDefault, fsync = 'always', deleteFile = unlinkIfPresent } = options;
    if (typeof dir !== 'string' || dir === '') throw new StorageError('INVALID_OPTIONS', 'dir must be a non-empty path');
    if (!Number.isSafeInteger(segmentBytesMax) || segmentBytesMax < 1) {
      throw new StorageError('INVALID_OPTIONS', `segmentBytesMax must be a positive integer (bytes), got ${segmentBytesMax}; default is ${segmentBytesMaxDefault}`);
    }
    if (fsync !== 'always' && fsync !== 'never') {
      throw new StorageError('INVALID_OPTIONS', `fsync must be 'always' or 'never' (benchmarks only), got ${String(fsync)}`);
    }
    this.dir = dir;
    this.segmentBytesMax = segmentBytesMax;
    this.fsyncPolicy = fsync;
    this.deleteFile = deleteFile;
  }

  private get sync(): boolean { return this.fsyncPolicy === 'always'; }

  async load(): Promise<DurableState> {
    if (this.phase === 'closed') throw new StorageError('CLOSED', 'storage is closed');
    if (this.phase !== 'new') throw new StorageError('ALREADY_LOADED', 'load() is called once, at start');
    this.phase = 'loading';
    try {
      await this.recover();
    } catch (e) {
      this.phase = 'closed';
      try { this.writer?.close(); } catch { /* already failing */ }
      throw e;
    }
    this.phase = 'open';
    return this.model.state();
  }

  persist(batch: PersistBatch): Promise<boolean> {
    this.stats.persistCalls++;
    return this.enqueue<boolean>((resolve, reject) => ({ kind: 'persist', batch, resolve, reject }));
  }

  async compact(snapshot: Snapshot): Promise<void> {
    this.stats.compactCalls++;
    // Write the (large) snapshot file before the op joins the queue, so log appends queued
    // meanwhile are not held behind it; the queued op then only writes the checkpoint. A crash
    // in between leaves a snapshot newer than the last checkpoint, which load() already handles.
    // writeSnapshotFile enforces the record size limit itself (one byte count of the data).
    if (this.phase === 'open' && this.failure === null && snapshot.index > (this.model.snapshot?.index ?? 0)) {
      // Validate before writing ahead: a refused snapshot's file would otherwise stay on disk and
      // be adopted by the next load() as the newest snapshot.
      this.model.checkCompact(snapshot);
      await writeSnapshotFile(this.dir, snapshot, this.sync);
    }
    return this.enqueue<void>((resolve, reject) => ({ kind: 'compact', snapshot, resolve, reject }));
  }

  /** Waits for queued calls to finish, then closes the segment. */
  async close(): Promise<void> {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    while (this.draining) await this.draining;
    await this.tidying;
    this.writer?.close();
    this.writer = null;
  }

  // ---- group commit -------------------------------------------------------------------------

  private enqueue<T>(make: (resolve: (value: T) => void, reject: (e: unknown) => void) => Op): Promise<T> {
    if (this.phase === 'closed') return Promise.reject(new StorageError('CLOSED', 'storage is closed'));
    if (this.phase !== 'open') return Promise.reject(new StorageError('NOT_LOADED', 'call load() before persist() or compact()'));
    if (this.failure !== null) return Promise.reject(this.failedError());
    return new Promise<T>((resolve, reject) => {
      this.queue.push(make(resolve, reject));
      // Started on a microtask so that calls made in the same synchronous stretch share a sync;
      // calls made while a group is being written wait and form the next group together.
      if (!this.draining) this.draining = Promise.resolve().then(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0);
      await this.commitGroup(group);
    }
    this.draining = null;
  }

  private failedError(): StorageError {
    return new StorageError('STORAGE_FAILED', `an earlier write or sync in ${this.dir} failed; restart and reload`, { cause: this.failure });
  }

  /** Calls take effect in order; one that breaks the contract is rejected alone. */
  private async commitGroup(group: Op[]): Promise<void> {
    // Each accepted op with how it is answered once the group is durable (`tidied`: see tidy()).
    const accepted: { op: Op; done: (tidied: Promise<void>) => void }[] = [];
    let tidied: Promise<void> = Promise.resolve();
    try {
      const records: Buffer[] = [];
      let checkpoint = false;
      let syncNeeded = false;
      for (const op of group) {
        if (this.failure !== null) { op.reject(this.failedError()); continue; }
        if (op.kind === 'persist') {
          let frames: Buffer[];
          try {
            this.model.checkBatch(op.batch);
            if (op.batch.snapshot) checkSnapshotSize(op.batch.snapshot);
            frames = encodeBatch(op.batch);
          } catch (e) { op.reject(e); continue; }
          if (op.batch.snapshot) {
            await writeSnapshotFile(this.dir, op.batch.snapshot, this.sync);
            checkpoint = true;
          }
          const synced = mustSync(this.model.hardState, op.batch);
          syncNeeded ||= synced;
          this.model.applyBatch(op.batch);
          records.push(...frames);
          accepted.push({ op, done: () => op.resolve(synced) });
          continue;
        } else {
          let changes: boolean;
          try {
            // Text and size are checked while the file is written (ahead, or just below).
            changes = this.model.checkCompact(op.snapshot);
          } catch (e) { op.reject(e); continue; }
          if (changes) {
            // Usually written ahead by compact(); a checkpoint in between may have removed it.
            const name = snapshotName(op.snapshot.index, op.snapshot.term);
            if (!(await fileExists(join(this.dir, name)))) await writeSnapshotFile(this.dir, op.snapshot, this.sync);
            this.model.installSnapshot(op.snapshot);
            checkpoint = true;
          }
          // compact() resolves once the files it made garbage are gone; writes behind it do not wait.
          accepted.push({ op, done: (t) => { t.then(() => op.resolve(), (e: unknown) => op.reject(e)); } });
        }
      }
      // A checkpoint states the model after the whole group, so the group's records are redundant.
      if (checkpoint) tidied = (await this.writeCheckpoint()).tidied;
      else if (records.length > 0) await this.appendRecords(Buffer.concat(records), syncNeeded);
    } catch (e) {
      this.failure = e;
      for (const a of accepted) a.op.reject(e);
      for (const op of this.queue.splice(0)) op.reject(this.failedError());
      return;
    }
    for (const a of accepted) a.done(tidied);
  }

  private async appendRecords(buf: Buffer, syncNeeded: boolean): Promise<void> {
    let w = this.writer;
    storageInvariant(w, 'an open storage has a segment');
    let created = false;
    if (w.sizeBytes > 0 && w.sizeBytes + buf.length > this.segmentBytesMax) {
      const next = SegmentWriter.create(this.dir, this.nextSeq++);
      this.stats.segmentsCreated++;
      w.close();
      this.writer = w = next;
      created = true;
    }
    w.append(buf);
    this.stats.walWrites++;
    this.stats.walBytesWritten += buf.length;
    if (this.sync && (syncNeeded || created)) {
      const delayMs = fsyncDelayMs();
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      w.datasync();
      this.stats.walSyncs++;
      if (created) await fsyncDir(this.dir);
    }
  }

  /**
   * New segment opening with the full state; then everything older is garbage. Returns the
   * deletion of that garbage, started and not awaited (tidy()); wrapped, since an async
   * function's result would adopt the promise and wait for it.
   */
  private async writeCheckpoint(): Promise<{ tidied: Promise<void> }> {
    const w = SegmentWriter.create(this.dir, this.nextSeq++);
    this.stats.segmentsCreated++;
    const snap = this.model.snapshot;
    const payload = encodeCheckpoint({
      hardState: this.model.hardState,
      snapshot: snap ? { index: snap.index, term: snap.term } : null,
      entries: this.model.tail(),
    });
    const frame = encodeFrame(RecordType.checkpoint, payload);
    w.append(frame);
    this.stats.walWrites++;
    this.stats.walBytesWritten += frame.length;
    if (this.sync) {
      w.datasync();
      this.stats.walSyncs++;
      await fsyncDir(this.dir);
    }
    this.writer?.close();
    this.writer = w;
    this.stats.checkpoints++;
    return { tidied: this.tidy(w.seq, snap ? { index: snap.index, term: snap.term } : null) };
  }

  /**
   * Deleting what a checkpoint made garbage is tidying, not durability (replay starts at the
   * checkpoint whatever is left), so the WAL does not wait for it (docs/perf/2026-11-27-write-path-costs.md).
   * One deletion at a time, in checkpoint order, each
   * keeping what its own (durable) checkpoint refers to; a failure stops the storage, as a
   * failed write does.
   */
  private tidy(firstSeq: number, kept: Pick<Snapshot, 'index' | 'term'> | null): Promise<void> {
    const run = this.tidying.then(() => this.deleteGarbage(firstSeq, kept));
    this.tidying = run.catch((e: unknown) => { this.failure ??= e; });
    return run;
  }

  /**
   * Older segments and older snapshots only. A newer snapshot file, or a `.tmp` one, belongs to a
   * compact() writing ahead of its queued op: deleting it failed that compaction (ENOENT on the
   * rename), which stops a node. Crash debris (`.tmp`) is removed on open instead.
   */
  private async deleteGarbage(firstSeq: number, kept: Pick<Snapshot, 'index' | 'term'> | null): Promise<void> {
    let deleted = false;
    for (const name of await readdir(this.dir)) {
      const seq = parseSegmentName(name);
      const snap = parseSnapshotName(name);
      const olderSnapshot = snap !== null && kept !== null && (snap.index < kept.index || (snap.index === kept.index && snap.term !== kept.term));
      if ((seq !== null && seq < firstSeq) || olderSnapshot) {
        await this.deleteFile(join(this.dir, name));
        deleted = true;
      }
    }
    // Not needed for correctness (replay starts at the checkpoint whatever is left), only tidy.
    if (deleted && this.sync) await fsyncDir(this.dir);
  }

  // ---- recovery -----------------------------------------------------------------------------

  private async recover(): Promise<void> {
    const created = await mkdir(this.dir, { recursive: true });
    // New directories' own entries must be durable too, or a crash could take the whole WAL.
    if (created !== undefined && this.sync) {
      for (let p = resolvePath(this.dir); p !== dirname(resolvePath(created)); p = dirname(p)) await fsyncDir(dirname(p));
    }
    const names = await readdir(this.dir);
    for (const name of names) {
      if (!name.endsWith(tempSuffix)) continue;
      await unlink(join(this.dir, name));
      noteRemoved(join(this.dir, name));
    }

    const seqs = names.map(parseSegmentName).filter((s): s is number => s !== null).sort((a, b) => a - b);
    this.nextSeq = (seqs.at(-1) ?? 0) + 1;
    const snapshot = await this.newestValidSnapshot(names);

    // Only the last segment can end in a torn write: every earlier one was synced before the
    // next was created. A last segment left empty holds nothing and goes.
    let tail: SegmentScan | null = null;
    const lastSeq = seqs.at(-1);
    if (lastSeq !== undefined) {
      tail = await this.scanSegment(lastSeq, true);
      if (tail.sizeBytes === 0) {
        await unlink(tail.path);
        noteRemoved(tail.path);
        if (this.sync) await fsyncDir(this.dir);
        seqs.pop();
        tail = null;
      }
    }
    // Walk back to the newest checkpoint; segments before it are garbage and are not read.
    const scans: SegmentScan[] = [];
    for (let i = seqs.length - 1; i >= 0; i--) {
      const scan = tail && i === seqs.length - 1 ? tail : await this.scanSegment(seqs[i]!, false);
      scans.unshift(scan);
      if (scan.frames[0]?.type === RecordType.checkpoint) break;
    }
    const first = scans[0];
    if (first && first.frames[0]?.type !== RecordType.checkpoint) {
      throw new WalCorruptError(first.path, 0, 'no segment begins with a checkpoint record, so the log has no starting state');
    }
    for (const scan of scans) this.replay(scan);

    const needCheckpoint = this.reconcileSnapshot(snapshot);
    // At load the garbage goes before anything else is written: nothing waits on it yet.
    if (needCheckpoint || scans.length === 0) {
      await (await this.writeCheckpoint()).tidied;
    } else {
      const last = scans.at(-1)!;
      this.writer = SegmentWriter.reopen(last.path, last.seq, last.sizeBytes);
      await this.deleteGarbage(first!.seq, this.model.snapshot);
    }
  }

  private async newestValidSnapshot(names: readonly string[]): Promise<Snapshot | null> {
    const metas = names
      .map((name) => ({ name, meta: parseSnapshotName(name) }))
      .filter((x): x is { name: string; meta: { index: number; term: number } } => x.meta !== null)
      .sort((a, b) => b.meta.index - a.meta.index || b.meta.term - a.meta.term);
    // A damaged newer file is skipped; reconcileSnapshot refuses if the log needed it.
    for (const { name } of metas) {
      const s = await readSnapshotFile(this.dir, name);
      if (typeof s !== 'string') return s;
    }
    return null;
  }

  private async scanSegment(seq: number, isLast: boolean): Promise<SegmentScan> {
    const path = join(this.dir, segmentName(seq));
    const buf = await readSegment(path);
    const r = scanFrames(buf, isLast, isWalRecordType);
    if (r.kind === 'corrupt') throw new WalCorruptError(path, r.offset, r.reason);
    if (r.kind === 'torn') {
      await truncateSegment(path, r.goodBytes, this.sync);
      return { seq, path, frames: r.frames, sizeBytes: r.goodBytes };
    }
    return { seq, path, frames: r.frames, sizeBytes: buf.length };
  }

  private replay(scan: SegmentScan): void {
    for (const f of scan.frames) {
      try {
        this.applyRecord(f);
      } catch (e) {
        if (e instanceof PayloadError || (e instanceof StorageError && e.code === 'INVALID_ARGUMENT')) {
          throw new WalCorruptError(scan.path, f.offset, `record does not apply: ${e.message}`);
        }
        throw e;
      }
    }
  }

  private applyRecord(f: Frame): void {
    switch (f.type) {
      case RecordType.entry:
        this.model.appendEntries([decodeEntry(f.payload)]);
        return;
      case RecordType.hardState:
        this.model.hardState = decodeHardState(f.payload);
        return;
      case RecordType.checkpoint: {
        const c = decodeCheckpoint(f.payload);
        checkHardState(c.hardState);
        for (const e of c.entries) checkEntry(e);
        const entries: Entry[] = c.entries.slice();
        // The data is in the snapshot file; reconcileSnapshot fills it in.
        this.model.reset(c.hardState, c.snapshot ? { ...c.snapshot, data: '' } : null, entries);
        return;
      }
      default:
        storageInvariant(false, `scanFrames passed record type ${f.type}`);
    }
  }

  /** Join the replayed log with the newest snapshot file; true if a checkpoint must be written. */
  private reconcileSnapshot(snapshot: Snapshot | null): boolean {
    const base = this.model.snapshot;
    if (base && (!snapshot || snapshot.index < base.index || (snapshot.index === base.index && snapshot.term !== base.term))) {
      throw new StorageError('SNAPSHOT_MISSING',
        `the log in ${this.dir} starts after a snapshot at index ${base.index} term ${base.term}, but ${snapshotName(base.index, base.term)} is missing or damaged`);
    }
    if (!snapshot) return false;
    if (base && snapshot.index === base.index) {
      this.model.snapshot = snapshot;
      return false;
    }
    this.model.installSnapshot(snapshot);
    return true;
  }
}

/** Frames in the order the contract applies them: entries, then the hard state. */
function encodeBatch(batch: PersistBatch): Buffer[] {
  const frames = batch.entries.map((e) => encodeFrame(RecordType.entry, encodeEntry(e)));
  if (batch.hardState) frames.push(encodeFrame(RecordType.hardState, encodeHardState(batch.hardState)));
  return frames;
}

/** Checked before anything is written: a snapshot too big for one frame could never be read back. */
function checkSnapshotSize(s: Snapshot): void {
  if (snapshotUtf8Bytes(s) + 16 > recordBytesMax) {
    throw new StorageError('INVALID_ARGUMENT', `snapshot data is larger than ${recordBytesMax} bytes`);
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function unlinkIfPresent(path: string): Promise<void> {
  await unlink(path).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
  noteRemoved(path);
}
