// One WAL segment: an append-only file of frames (record-codec.ts), named by a sequence number
// that only grows, so name order is write order.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noteCreate, noteSynced } from './sync-ledger.ts';

const pattern = /^wal-(\d{16})\.log$/;

export function segmentName(seq: number): string {
  return `wal-${String(seq).padStart(16, '0')}.log`;
}

export function parseSegmentName(name: string): number | null {
  const m = pattern.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Appends and syncs are synchronous calls on the event loop, not libuv thread-pool jobs. The
 * caller (the Raft host) has nothing to do until the write is durable, and a thread-pool round
 * trip costs two thread wake-ups per call (docs/perf/2026-11-27-write-path-costs.md).
 */
export class SegmentWriter {
  private constructor(
    readonly path: string,
    readonly seq: number,
    private readonly fd: number,
    private size: number,
  ) {}

  /** A new, empty segment; fails if the file exists (sequence numbers are never reused). */
  static create(dir: string, seq: number): SegmentWriter {
    const path = join(dir, segmentName(seq));
    noteCreate(path);
    return new SegmentWriter(path, seq, openSync(path, 'wx'), 0);
  }

  /** Continue an existing segment whose valid bytes end at `sizeBytes` (it was truncated there). */
  static reopen(path: string, seq: number, sizeBytes: number): SegmentWriter {
    return new SegmentWriter(path, seq, openSync(path, 'r+'), sizeBytes);
  }

  get sizeBytes(): number { return this.size; }

  /** Positional writes from our own size counter: no reliance on O_APPEND or the file position. */
  append(buf: Buffer): void {
    let done = 0;
    while (done < buf.length) done += writeSync(this.fd, buf, done, buf.length - done, this.size + done);
    this.size += buf.length;
  }

  /** fdatasync: the data and the size; the mtime is not worth a metadata flush. */
  datasync(): void {
    fdatasyncSync(this.fd);
    noteSynced(this.path, this.size);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export async function readSegment(path: string): Promise<Buffer> {
  return readFile(path);
}

/** Cut a torn tail off and make the cut durable before anything is appended after it. */
export async function truncateSegment(path: string, sizeBytes: number, sync: boolean): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(sizeBytes);
    if (sync) {
      await fh.sync();
      noteSynced(path, sizeBytes);
    }
  } finally {
    await fh.close();
  }
}
