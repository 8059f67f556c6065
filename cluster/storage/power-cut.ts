import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { Rng } from '../common/rng.ts';
import { readFrame } from './record-codec.ts';
import { ledgerName, readLedger, writeLedger, type FileRecord, type LedgerFile } from './sync-ledger.ts';
import { isWalRecordType } from './wal-records.ts';

/**
 * The `power-loss` fault's mechanism (Jepsen's LazyFS, after the fact): applied to a node's data
 * directory after the node was SIGKILLed and before it restarts, it drops whatever the node had
 * not made durable, as a power cut would have, using the sync ledgers the storage kept
 * (sync-ledger.ts). Per tracked file:
 * - a name never covered by a directory fsync goes: a created file is removed, a renamed file is
 *   renamed back (or removed, if its old name was not durable either);
 * - the bytes past the synced length are cut at a seeded point: a record boundary (whole unsynced
 *   writes lost) or any byte (a torn record), keeping 0 to all of the unsynced tail.
 * Files no ledger tracks are left alone. Works on any path, so a container runtime can apply it
 * to a stopped container's volume.
 */
export interface PowerCutAction {
  readonly file: string;
  readonly action: 'removed' | 'rename-undone' | 'truncated' | 'kept';
  readonly fromBytes?: number;
  readonly toBytes?: number;
}

export interface PowerCutResult {
  readonly ledgers: number;
  readonly actions: PowerCutAction[];
}

export function powerCut(dataDir: string, rng: Rng): PowerCutResult {
  const actions: PowerCutAction[] = [];
  const dirs = ledgerDirs(dataDir);
  if (dirs.length === 0) {
    // A node wiped and restarted that has not written its log yet holds nothing to lose.
    if (!holdsRaftFiles(dataDir)) return { ledgers: 0, actions };
    throw new Error(`power cut: no sync ledger under ${dataDir}; start the node with RAFT_SYNC_LEDGER=1`);
  }
  for (const dir of dirs) {
    const ledger = readLedger(dir)!;
    // Sorted: one seed must give one cut whatever order the ledger was written in.
    for (const name of Object.keys(ledger.files).sort()) cutFile(dir, name, ledger.files[name]!, rng, actions);
    // Whatever is left is now what the disk holds: durable from here on.
    const after: LedgerFile = { version: 1, files: {} };
    for (const name of readdirSync(dir)) {
      if (name === ledgerName || !statSync(join(dir, name)).isFile()) continue;
      after.files[name] = { synced: statSync(join(dir, name)).size, durableName: true };
    }
    writeLedger(dir, after);
  }
  return { ledgers: dirs.length, actions };
}

function cutFile(dir: string, name: string, r: FileRecord, rng: Rng, actions: PowerCutAction[]): void {
  const path = join(dir, name);
  if (!r.durableName) {
    const from = r.renamedFrom;
    if (from && from.record.durableName) {
      if (existsSync(path)) renameSync(path, join(dir, from.name));
      actions.push({ file: `${dir}/${name}`, action: 'rename-undone' });
      if (existsSync(join(dir, from.name))) cutFile(dir, from.name, from.record, rng, actions);
      return;
    }
    if (existsSync(path)) {
      rmSync(path, { force: true });
      actions.push({ file: path, action: 'removed' });
    }
    if (from && existsSync(join(dir, from.name))) {
      // Killed between the note and the rename itself: the old name was never durable either.
      rmSync(join(dir, from.name), { force: true });
      actions.push({ file: join(dir, from.name), action: 'removed' });
    }
    return;
  }
  if (!existsSync(path)) return; // unlinked (taken as durable) or never created
  const size = statSync(path).size;
  if (size <= r.synced) {
    actions.push({ file: path, action: 'kept', fromBytes: size, toBytes: size });
    return;
  }
  const to = cutPoint(path, r.synced, size, rng);
  truncateSync(path, to);
  actions.push({ file: path, action: to === size ? 'kept' : 'truncated', fromBytes: size, toBytes: to });
}

/**
 * Half the cuts fall on a record boundary of the unsynced tail (for WAL segments, frames; the
 * synced point and the end count as boundaries), half on any byte of it.
 */
function cutPoint(path: string, synced: number, size: number, rng: Rng): number {
  if (rng.chance(0.5)) return rng.int(synced, size);
  const bounds = [synced];
  if (/^wal-\d+\.log$/.test(path.split('/').pop()!)) {
    const buf = readFileSync(path);
    let at = 0;
    while (at < buf.length) {
      const f = readFrame(buf, at, isWalRecordType);
      if (f.kind !== 'ok') break;
      at = f.next;
      if (at > synced) bounds.push(at);
    }
  }
  if (bounds.at(-1) !== size) bounds.push(size);
  return rng.pick(bounds);
}

/** Any file of the Raft storage (WAL segments, snapshots, hard state) under `root`. */
function holdsRaftFiles(root: string): boolean {
  const raftDir = join(root, 'raft');
  return existsSync(raftDir) && readdirSync(raftDir).some((n) => statSync(join(raftDir, n)).isFile());
}

/** Every directory under `root` (itself included) holding a sync ledger. */
function ledgerDirs(root: string): string[] {
  if (!existsSync(root)) throw new Error(`power cut: ${root} does not exist`);
  const out: string[] = [];
  const walk = (dir: string) => {
    const names = readdirSync(dir);
    if (names.includes(ledgerName)) out.push(dir);
    for (const n of names) if (statSync(join(dir, n)).isDirectory()) walk(join(dir, n));
  };
  walk(root);
  return out.sort();
}
