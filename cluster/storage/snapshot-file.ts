// A snapshot file holds one frame (record-codec.ts) of type `snapshot`, so it carries the same
// CRC as WAL records. Files are named by index and term, written under a `.tmp` name and renamed
// into place: a final name is never seen half-written, and a leftover `.tmp` is a crash's debris.
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../raft/messages.ts';
import { fsyncDir } from './dir-sync.ts';
import { crc32 } from './crc32.ts';
import { noteCreate, noteRename, noteSynced } from './sync-ledger.ts';
import { StorageError } from './errors.ts';
import { isStorableText } from './log-model.ts';
import { frameHeaderBytes, readFrame, recordBytesMax } from './record-codec.ts';
import { snapshotPieces } from './snapshot-text.ts';
import { decodeSnapshot, isSnapshotRecordType, PayloadError, RecordType } from './wal-records.ts';

const pattern = /^snap-(\d{16})-(\d{16})\.snap$/;
export const tempSuffix = '.tmp';

export function snapshotName(index: number, term: number): string {
  return `snap-${String(index).padStart(16, '0')}-${String(term).padStart(16, '0')}.snap`;
}

export function parseSnapshotName(name: string): { index: number; term: number } | null {
  const m = pattern.exec(name);
  return m ? { index: Number(m[1]), term: Number(m[2]) } : null;
}

/**
 * Characters of snapshot data encoded, checksummed and written per step. Each step holds the
 * event loop: at 1 MiB a step took 2.7-4.2 ms here (UTF-8 encoding and the CRC, in JS), which
 * showed in the writes' tail at every snapshot; at 64 KiB a step is a few tenths of a ms.
 */
const chunkChars = 1 << 16;

/**
 * temp file, fsync, rename, fsync the directory (each fsync skipped when `sync` is false).
 *
 * Streams the frame in pieces (chunkChars) with an incremental CRC instead of building it in memory:
 * a long run's snapshot is tens of MB, and encoding plus checksumming it in one go kept a
 * leader's event loop busy past its followers' election timeout. The header (length and CRC)
 * is written last; the temp name is renamed only after everything is on disk, so the order
 * inside the file does not matter for crash safety. Same bytes as encodeFrame(encodeSnapshot(s)).
 */
export async function writeSnapshotFile(dir: string, s: Snapshot, sync: boolean): Promise<string> {
  const name = snapshotName(s.index, s.term);
  const temp = join(dir, name + tempSuffix);
  const payloadBytes = 16 + (await checkedUtf8Bytes(s));
  if (payloadBytes > recordBytesMax) {
    throw new StorageError('INVALID_ARGUMENT', `a ${payloadBytes}-byte record exceeds the ${recordBytesMax}-byte limit`);
  }
  const header = Buffer.alloc(frameHeaderBytes);
  header.writeUInt32LE(payloadBytes, 0);
  header.writeUInt8(RecordType.snapshot, 8);
  const meta = Buffer.allocUnsafe(16);
  meta.writeDoubleLE(s.index, 0);
  meta.writeDoubleLE(s.term, 8);
  // The frame CRC covers the length field, then the type byte and the payload (record-codec.ts).
  let crc = crc32(header, 0, 0, 4);
  crc = crc32(header, crc, 8, frameHeaderBytes);
  crc = crc32(meta, crc);
  noteCreate(temp);
  const fh = await open(temp, 'w');
  try {
    let pos = frameHeaderBytes;
    pos += await writeAll(fh, meta, pos);
    for (const piece of snapshotPieces(s)) {
      for (let i = 0; i < piece.length;) {
        let end = Math.min(piece.length, i + chunkChars);
        // A surrogate pair split across chunks would encode as two replacement characters.
        const last = piece.charCodeAt(end - 1);
        if (end < piece.length && last >= 0xd800 && last <= 0xdbff) end--;
        const chunk = Buffer.from(piece.slice(i, end), 'utf8');
        crc = crc32(chunk, crc);
        pos += await writeAll(fh, chunk, pos);
        i = end;
      }
    }
    header.writeUInt32LE(crc, 4);
    await writeAll(fh, header, 0);
    if (sync) {
      await fh.sync();
      noteSynced(temp, pos);
    }
  } finally {
    await fh.close();
  }
  noteRename(temp, join(dir, name));
  await rename(temp, join(dir, name));
  if (sync) await fsyncDir(dir);
  return name;
}

/**
 * The data's UTF-8 size, refusing a lone surrogate (it would be written as U+FFFD, so the file
 * would not hold what was asked). Piece by piece, yielding every chunkChars: a host's snapshot is
 * tens of MB and one synchronous scan of it stalled the event loop for 80-120 ms.
 */
async function checkedUtf8Bytes(s: Snapshot): Promise<number> {
  let bytes = 0;
  let sinceYield = 0;
  for (const piece of snapshotPieces(s)) {
    if (!isStorableText(piece)) throw new StorageError('INVALID_ARGUMENT', `snapshot ${s.index} data has a lone surrogate`);
    bytes += Buffer.byteLength(piece, 'utf8');
    sinceYield += piece.length;
    if (sinceYield >= chunkChars) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return bytes;
}

async function writeAll(fh: FileHandle, buf: Buffer, position: number): Promise<number> {
  let done = 0;
  while (done < buf.length) done += (await fh.write(buf, done, buf.length - done, position + done)).bytesWritten;
  return buf.length;
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
