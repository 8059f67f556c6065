// The floor path's durable log: one append-only file, one write + fdatasync per batch (the
// same synchronous calls the cluster's WAL makes on its event loop), or no sync with
// --fsync never.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { requiredFlag } from './announced-child.ts';

export class FloorLog {
  private readonly fd: number;

  constructor(path: string, private readonly sync: boolean) {
    this.fd = openSync(path, 'a');
  }

  append(bytes: Buffer): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    if (this.sync) fdatasyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** `--fsync always|never` and `--log FILE` from a floor process's argv. */
export function floorLogFromArgs(args: readonly string[]): FloorLog {
  const fsync = requiredFlag(args, '--fsync');
  if (fsync !== 'always' && fsync !== 'never') throw new Error(`--fsync must be always or never, got ${fsync}`);
  return new FloorLog(requiredFlag(args, '--log'), fsync === 'always');
}
