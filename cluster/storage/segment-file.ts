// One WAL segment: an append-only file of frames (record-codec.ts), named by a sequence number
// that only grows, so name order is write order.
import { open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const pattern = /^wal-(\d{16})\.log$/;

export function segmentName(seq: number): string {
  return `wal-${String(seq).padStart(16, '0')}.log`;
}

export function parseSegmentName(name: string): number | null {
  const m = pattern.exec(name);
  return m ? Number(m[1]) : null;
}

export class SegmentWriter {
  private constructor(
    readonly path: string,
    readonly seq: number,
    private readonly fh: FileHandle,
    private size: number,
  ) {}

  /** A new, empty segment; fails if the file exists (sequence numbers are never reused). */
  static async create(dir: string, seq: number): Promise<SegmentWriter> {
    const path = join(dir, segmentName(seq));
    return new SegmentWriter(path, seq, await open(path, 'wx'), 0);
  }

  /** Continue an existing segment whose valid bytes end at `sizeBytes` (it was truncated there). */
  static async reopen(path: string, seq: number, sizeBytes: number): Promise<SegmentWriter> {
    return new SegmentWriter(path, seq, await open(path, 'r+'), sizeBytes);
  }

  get sizeBytes(): number { return this.size; }

  /** Positional writes from our own size counter: no reliance on O_APPEND or the file position. */
  async append(buf: Buffer): Promise<void> {
    let done = 0;
    while (done < buf.length) {
      const { bytesWritten } = await this.fh.write(buf, done, buf.length - done, this.size + done);
      done += bytesWritten;
    }
    this.size += buf.length;
  }

  /** fdatasync: the data and the size; the mtime is not worth a metadata flush. */
  async datasync(): Promise<void> {
    await this.fh.datasync();
  }

  async close(): Promise<void> {
    await this.fh.close();
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
    if (sync) await fh.sync();
  } finally {
    await fh.close();
  }
}
