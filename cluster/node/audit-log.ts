import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface AuditEvent {
  readonly seq: number;
  /** Wall-clock milliseconds: the chaos runner measures election times from these. */
  readonly ts: number;
  readonly node: string;
  readonly kind: string;
  readonly [field: string]: unknown;
}

/** Where node `id` keeps its audit log, in the cluster's data folder `dataDirAbs` (also read by bench runs). */
export function auditLogPath(dataDirAbs: string, id: string): string {
  return join(dataDirAbs, id, 'audit.jsonl');
}

/** The hash a chain starts from, and the hash of a line's text without its own hash. */
export const chainStart = createHash('sha256').update('').digest('hex');
const hashSuffix = /,"hash":"([0-9a-f]{64})"\}$/;

/** One chained line: the event with `prev` (the hash of the line before) and its own `hash`. */
export function chainLine(event: Record<string, unknown>, prev: string): { line: string; hash: string } {
  const body = JSON.stringify({ ...event, prev });
  const hash = createHash('sha256').update(body).digest('hex');
  return { line: `${body.slice(0, -1)},"hash":"${hash}"}`, hash };
}

/** A line's own hash if it is intact (its text hashes to it), else null. */
export function lineHash(line: string): { hash: string; prev: unknown } | null {
  const m = hashSuffix.exec(line);
  if (!m) return null;
  const body = `${line.slice(0, m.index)}}`;
  if (createHash('sha256').update(body).digest('hex') !== m[1]) return null;
  try {
    return { hash: m[1]!, prev: (JSON.parse(body) as { prev?: unknown }).prev };
  } catch {
    return null;
  }
}

/** The count of lines and the last line's hash, to continue a file's chain after a restart. */
function chainTail(path: string): { lines: number; last: string } {
  if (!existsSync(path)) return { lines: 0, last: chainStart };
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const tail = lines.length > 0 ? lineHash(lines[lines.length - 1]!) : null;
  // A tail that does not verify still chains on from what it says; `audit verify` names it.
  const fallback = lines.length > 0 ? hashSuffix.exec(lines[lines.length - 1]!)?.[1] : undefined;
  return { lines: lines.length, last: tail?.hash ?? fallback ?? chainStart };
}

/** A process's audit log in `<dataDir>/<id>/audit.jsonl`, continuing its sequence and chain. */
export function openAuditLog(dataDirAbs: string, id: string, clock: () => number = Date.now): AuditLog {
  const path = auditLogPath(dataDirAbs, id);
  const tail = chainTail(path);
  return new AuditLog(id, path, clock, 10_000, tail.lines, tail.last);
}

/** Keys whose values never reach an audit line. */
const secretKey = /token|secret|password|private|key$/i;
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, secretKey.test(k) ? '[redacted]' : redactSecrets(v)]));
}

/**
 * The node's audit log of role changes, elections and snapshots, auth failures, admin actions
 * and refused peer messages: kept in memory for `GET /raft/events?since=` and appended to a
 * JSONL file in the data folder, which survives restarts (sequence numbers continue from the
 * file's count so `since` stays meaningful). Each line carries the hash of the line before and
 * its own, so an edited or deleted line is found by `npx just audit verify`.
 */
export class AuditLog {
  private events: AuditEvent[] = [];
  private seq = 0;
  /** Lines of a noisy kind (auth failures, refused peers) this second, so a flood cannot fill the disk. */
  private window = { second: 0, counts: new Map<string, number>() };

  constructor(
    private readonly node: string,
    private readonly path: string | null,
    private readonly clock: () => number,
    private readonly keepMax = 10_000,
    startSeq = 0,
    private lastHash = chainStart,
  ) {
    this.seq = startSeq;
    if (path) mkdirSync(dirname(path), { recursive: true });
  }

  record(kind: string, fields: Record<string, unknown> = {}): AuditEvent {
    const event: AuditEvent = { seq: ++this.seq, ts: this.clock(), node: this.node, ...fields, kind };
    this.events.push(event);
    if (this.events.length > this.keepMax) this.events.splice(0, this.events.length - this.keepMax);
    // Synchronous append: the audit line must exist even if the process is killed next.
    if (this.path) {
      const { line, hash } = chainLine(event, this.lastHash);
      this.lastHash = hash;
      appendFileSync(this.path, `${line}\n`);
    }
    return event;
  }

  /** record(), at most `perSecondMax` lines of this kind a second; the rest are counted in the next line. */
  recordLimited(kind: string, fields: Record<string, unknown>, perSecondMax = 20): void {
    const second = Math.floor(this.clock() / 1000);
    if (second !== this.window.second) this.window = { second, counts: new Map() };
    const n = (this.window.counts.get(kind) ?? 0) + 1;
    this.window.counts.set(kind, n);
    if (n <= perSecondMax) this.record(kind, fields);
    else if (n === perSecondMax + 1) this.record('audit-suppressed', { of: kind, perSecondMax });
  }

  since(seq: number, limit: number): AuditEvent[] {
    const out: AuditEvent[] = [];
    for (const e of this.events) {
      if (e.seq > seq) out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  lastSeq(): number {
    return this.seq;
  }
}
