/**
 * The fault ledger: an append-only JSONL file, one record per line, fsync'd before append()
 * returns. A fault is written here (with its undo steps) BEFORE it is applied, so a process
 * that dies at any point leaves enough for a later one to undo it.
 *
 * Exports: `Ledger`, `LedgerRecord`, `ledgerPath(dataDir)`.
 *
 * Records: `{op: "inject", atMs, applied}` and `{op: "healed", atMs, id}`.
 * pending() = injected and not (yet) healed, in injection order.
 *
 * Invariants: only whole lines count. A line cut short by a crash mid-write is ignored (and
 * so is any unparsable line: the heal sweep still catches what such a line described).
 * Several processes may append (runner, `just heal`): each record is one O_APPEND write.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppliedFault } from './fault.ts';

export type LedgerRecord =
  | { readonly op: 'inject'; readonly atMs: number; readonly applied: AppliedFault }
  | { readonly op: 'healed'; readonly atMs: number; readonly id: string };

/** `<dataDir>/chaos/ledger.jsonl`: beside the cluster it describes. */
export function ledgerPath(dataDir: string): string {
  return join(dataDir, 'chaos', 'ledger.jsonl');
}

export class Ledger {
  constructor(readonly path: string, private readonly now: () => number = Date.now) {}

  recordInject(applied: AppliedFault): void {
    this.append({ op: 'inject', atMs: this.now(), applied });
  }

  recordHealed(id: string): void {
    this.append({ op: 'healed', atMs: this.now(), id });
  }

  append(record: LedgerRecord): void {
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true });
    const fd = openSync(this.path, 'a+');
    try {
      // After a torn last line, start a fresh line, or this record would be glued to it and lost.
      const size = fstatSync(fd).size;
      const last = Buffer.alloc(1);
      const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
      writeSync(fd, `${torn ? '\n' : ''}${JSON.stringify(record)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    syncDir(dir); // a new file's directory entry must survive a crash too
  }

  records(): LedgerRecord[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: LedgerRecord[] = [];
    const lines = text.split('\n');
    // The last element is '' after a complete final line, or a torn line: never a record.
    for (const line of lines.slice(0, -1)) {
      const record = parse(line);
      if (record) out.push(record);
    }
    return out;
  }

  pending(): AppliedFault[] {
    const injected = new Map<string, AppliedFault>();
    for (const r of this.records()) {
      if (r.op === 'inject') injected.set(r.applied.id, r.applied);
      else injected.delete(r.id);
    }
    return [...injected.values()];
  }

  isPending(id: string): boolean {
    return this.pending().some((a) => a.id === id);
  }
}

function parse(line: string): LedgerRecord | null {
  try {
    const r = JSON.parse(line) as Partial<LedgerRecord> & { applied?: Partial<AppliedFault> };
    if (r.op === 'inject' && typeof r.applied?.id === 'string' && Array.isArray(r.applied.undo)) return r as LedgerRecord;
    if (r.op === 'healed' && typeof (r as { id?: unknown }).id === 'string') return r as LedgerRecord;
  } catch { /* torn or foreign line */ }
  return null;
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* not every platform can fsync a directory */ }
}
