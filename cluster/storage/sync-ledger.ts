import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { seededRandom } from '../common/rng.ts';

/**
 * What the storage made durable, for the power-loss fault (power-cut.ts), as Jepsen's LazyFS
 * tracks it: per file the bytes covered by an fsync, and whether its name (creation or rename)
 * was covered by a directory fsync. One sidecar per directory, `.sync-ledger.json`, rewritten
 * (not fsynced) after every such change: a SIGKILL keeps the page cache, so after a kill the
 * sidecar says exactly what a power cut at that instant would have kept.
 *
 * Off unless RAFT_SYNC_LEDGER=1 (a JSON write per fsync is not free); the chaos runner turns it
 * on for runs that cut power. Notes are made after a sync (a kill before the note loses only what
 * no message could yet depend on) and before a create or rename (a kill before the act leaves
 * a record of a file that is not there, which power-cut.ts skips).
 * Not modelled: unlinks are taken as durable at once (undoing one would need the lost bytes).
 */
export const ledgerName = '.sync-ledger.json';

export interface FileRecord {
  /** Bytes from the start of the file known durable (fsync, fdatasync, or a synced truncate). */
  synced: number;
  /** The name is durable in its directory (the directory was fsynced since it appeared). */
  durableName: boolean;
  /** Set by a rename not yet covered by a directory fsync: the record under the old name. */
  renamedFrom?: { name: string; record: FileRecord };
}

export interface LedgerFile {
  readonly version: 1;
  files: Record<string, FileRecord>;
}

let enabled = process.env.RAFT_SYNC_LEDGER === '1';

/**
 * A slow disk, for power-loss runs: each WAL fdatasync is preceded by this many ms (default 0).
 * It widens the window in which unsynced data exists, so a node that acknowledges before its
 * sync (a bug) holds acknowledged-but-unsynced entries when the power is cut, not only for the
 * few hundred microseconds a local fdatasync takes.
 */
const fsyncDelayMeanMs = Math.max(0, Math.min(1000, Number(process.env.RAFT_FSYNC_DELAY_MS ?? 0) || 0));
// Uniform in [0, 2 x mean]: disks differ from sync to sync, so a follower's sync often ends after
// the leader's, which is when acknowledging before the sync can lose a committed entry.
const delayRandom = seededRandom(Number(process.env.RAFT_FSYNC_DELAY_SEED ?? process.pid));
export function fsyncDelayMs(): number {
  return fsyncDelayMeanMs === 0 ? 0 : Math.round(2 * fsyncDelayMeanMs * delayRandom());
}
const ledgers = new Map<string, LedgerFile>();

/** Tests turn it on in-process; nodes read RAFT_SYNC_LEDGER. */
export function setSyncLedgerEnabled(on: boolean): void {
  enabled = on;
  ledgers.clear();
}

export function syncLedgerEnabled(): boolean {
  return enabled;
}

export function readLedger(dir: string): LedgerFile | null {
  const path = join(dir, ledgerName);
  if (!existsSync(path)) return null;
  const v = JSON.parse(readFileSync(path, 'utf8')) as LedgerFile;
  if (v.version !== 1 || typeof v.files !== 'object' || v.files === null) throw new Error(`${path}: not a sync ledger`);
  return v;
}

export function writeLedger(dir: string, ledger: LedgerFile): void {
  const path = join(dir, ledgerName);
  // Renamed into place so a kill mid-write never leaves half a ledger.
  writeFileSync(`${path}.next`, JSON.stringify(ledger));
  renameSync(`${path}.next`, path);
}

function ledgerOf(dir: string): LedgerFile {
  const key = resolve(dir);
  let l = ledgers.get(key);
  if (!l) {
    l = readLedger(key) ?? { version: 1, files: {} };
    ledgers.set(key, l);
  }
  return l;
}

function update(path: string, change: (files: Record<string, FileRecord>, name: string) => void): void {
  if (!enabled) return;
  const dir = dirname(resolve(path));
  const l = ledgerOf(dir);
  change(l.files, basename(path));
  writeLedger(dir, l);
}

/** About to create `path` (empty, name not yet durable). */
export function noteCreate(path: string): void {
  update(path, (files, name) => { files[name] = { synced: 0, durableName: false }; });
}

/** `path` was fsynced (or fdatasynced) at `sizeBytes`. */
export function noteSynced(path: string, sizeBytes: number): void {
  update(path, (files, name) => {
    const r = files[name];
    if (r) r.synced = sizeBytes;
    else files[name] = { synced: sizeBytes, durableName: true }; // older than the ledger: its name is old
  });
}

/** About to rename `from` to `to` in one directory. */
export function noteRename(from: string, to: string): void {
  update(from, (files, name) => {
    const prev = files[name] ?? { synced: 0, durableName: true };
    delete files[name];
    files[basename(to)] = { synced: prev.synced, durableName: false, renamedFrom: { name, record: prev } };
  });
}

/** `path` is gone (unlink); see the note above on unlinks. */
export function noteRemoved(path: string): void {
  update(path, (files, name) => { delete files[name]; });
}

/** The directory `dir` was fsynced: every name in it is durable. Ignored where nothing was noted. */
export function noteDirSynced(dir: string): void {
  if (!enabled) return;
  const key = resolve(dir);
  if (!ledgers.has(key) && !existsSync(join(key, ledgerName))) return;
  const l = ledgerOf(key);
  for (const r of Object.values(l.files)) {
    r.durableName = true;
    delete r.renamedFrom;
  }
  writeLedger(key, l);
}
