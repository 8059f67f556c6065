// A snapshot file holds one frame (record-codec.ts) of type `snapshot`, so it carries the same
// CRC as WAL records. Files are named by index and term, written under a `.tmp` name and renamed
// into place: a final name is never seen half-written, and a leftover `.tmp` is a crash's debris.
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../raft/messages.ts';
import { fsyncDir } from './dir-sync.ts';
import { encodeFrame, readFrame } from './record-codec.ts';
import { decodeSnapshot, encodeSnapshot, isSnapshotRecordType, PayloadError, RecordType } from './wal-records.ts';

const pattern = /^snap-(\d{16})-(\d{16})\.snap$/;
export const tempSuffix = '.tmp';

export function snapshotName(index: number, term: number): string {
  return `snap-${String(index).padStart(16, '0')}-${String(term).padStart(16, '0')}.snap`;
}

export function parseSnapshotName(name: string): { index: number; term: number } | null {
  const m = pattern.exec(name);
  return m ? { index: Number(m[1]), term: Number(m[2]) } : null;
}

/** temp file, fsync, rename, fsync the directory (each fsync skipped when `sync` is false). */
export async function writeSnapshotFile(dir: string, s: Snapshot, sync: boolean): Promise<string> {
  const name = snapshotName(s.index, s.term);
  const temp = join(dir, name + tempSuffix);
  const fh = await open(temp, 'w');
  try {
    const frame = encodeFrame(RecordType.snapshot, encodeSnapshot(s));
    let done = 0;
    while (done < frame.length) done += (await fh.write(frame, done, frame.length - done, done)).bytesWritten;
    if (sync) await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(temp, join(dir, name));
  if (sync) await fsyncDir(dir);
  return name;
}

/** The snapshot in `name`, or the reason it cannot be used. */
export async function readSnapshotFile(dir: string, name: string): Promise<Snapshot | string> {
  const meta = parseSnapshotName(name);
  if (!meta) return `${name} is not a snapshot file name`;
  const buf = await readFile(join(dir, name));
  const r = readFrame(buf, 0, isSnapshotRecordType);
  if (r.kind !== 'ok') return r.kind === 'short' ? 'file cut short' : r.reason;
  if (r.next !== buf.length) return `${buf.length - r.next} bytes after the snapshot record`;
  let s: Snapshot;
  try { s = decodeSnapshot(r.frame.payload); } catch (e) {
    if (e instanceof PayloadError) return e.message;
    throw e;
  }
  if (s.index !== meta.index || s.term !== meta.term) return `holds (${s.index}, ${s.term}), name says (${meta.index}, ${meta.term})`;
  return s;
}
