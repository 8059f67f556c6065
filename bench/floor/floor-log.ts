// The floor path's durable log: one append-only file, one write + fdatasync per batch (the
// same synchronous calls the cluster's WAL makes on its event loop), or no sync with
// --fsync never.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';

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
  const at = (flag: string): string => {
    const i = args.indexOf(flag);
    if (i < 0 || args[i + 1] === undefined) throw new Error(`floor process needs ${flag}`);
    return args[i + 1]!;
  };
  const fsync = at('--fsync');
  if (fsync !== 'always' && fsync !== 'never') throw new Error(`--fsync must be always or never, got ${fsync}`);
  return new FloorLog(at('--log'), fsync === 'always');
}
