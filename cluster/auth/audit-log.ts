import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/** Node `id`'s audit key: 32 random bytes as hex, mode 0600, beside its log. */
export function auditKeyPath(dataDirAbs: string, id: string): string {
  return join(dataDirAbs, id, 'audit.key');
}

export class AuditKeyError extends Error {
  readonly code = 'AUDIT_KEY_INVALID';
}

/** The key of `id`'s audit chain, or null when it has none yet. */
export function readAuditKey(dataDirAbs: string, id: string): Buffer | null {
  const path = auditKeyPath(dataDirAbs, id);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AuditKeyError(`cannot read audit key ${path}: ${(err as Error).message}`);
  }
  if (!/^[0-9a-f]{64}$/.test(text)) throw new AuditKeyError(`audit key ${path} is not 64 hex digits`);
  return Buffer.from(text, 'hex');
}

/** The key, made on first use ('wx': two processes starting at once agree on one). */
export function ensureAuditKey(dataDirAbs: string, id: string): { key: Buffer; created: boolean } {
  const existing = readAuditKey(dataDirAbs, id);
  if (existing) return { key: existing, created: false };
  const path = auditKeyPath(dataDirAbs, id);
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new AuditKeyError(`cannot write audit key ${path}: ${(err as Error).message}`);
    return { key: readAuditKey(dataDirAbs, id)!, created: false };
  }
  return { key: readAuditKey(dataDirAbs, id)!, created: true };
}

/**
 * The value a chain starts from, and each line's `mac`: HMAC-SHA256 under the node's key of the
 * line's text without it. Without the key, a rewritten tail cannot be given valid macs.
 */
export const chainStart = createHash('sha256').update('').digest('hex');
const macSuffix = /,"mac":"([0-9a-f]{64})"\}$/;

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

/** One chained line: the event with `prev` (the mac of the line before) and its own `mac`. */
export function chainLine(event: Record<string, unknown>, prev: string, key: Buffer): { line: string; mac: string } {
  const body = JSON.stringify({ ...event, prev });
  const own = mac(key, body);
  return { line: `${body.slice(0, -1)},"mac":"${own}"}`, mac: own };
}

/** A line's own mac and its `prev` if it is intact (its text macs to it under `key`), else null. */
export function lineMac(line: string, key: Buffer): { mac: string; prev: unknown } | null {
  const m = macSuffix.exec(line);
  if (!m) return null;
  const body = `${line.slice(0, m.index)}}`;
  const want = Buffer.from(mac(key, body), 'hex');
  if (!timingSafeEqual(want, Buffer.from(m[1]!, 'hex'))) return null;
  try {
    return { mac: m[1]!, prev: (JSON.parse(body) as { prev?: unknown }).prev };
  } catch {
    return null;
  }
}

/** The count of lines and the last line's mac, to continue a file's chain after a restart. */
function chainTail(path: string, key: Buffer): { lines: number; last: string } {
  if (!existsSync(path)) return { lines: 0, last: chainStart };
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const tail = lines.length > 0 ? lineMac(lines[lines.length - 1]!, key) : null;
  // A tail that does not verify still chains on from what it says; `audit verify` names it.
  const fallback = lines.length > 0 ? macSuffix.exec(lines[lines.length - 1]!)?.[1] : undefined;
  return { lines: lines.length, last: tail?.mac ?? fallback ?? chainStart };
}

function lineCount(path: string): number {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').length;
}

/**
 * A process's audit log in `<dataDir>/<id>/audit.jsonl`, continuing its sequence and chain under
 * the key in `audit.key` (made on first start). A log older than its key (written before logs
 * were keyed) is kept aside as `audit.unkeyed-<ms>.jsonl` and a keyed one begins, seq continuing.
 */
export function openAuditLog(dataDirAbs: string, id: string, clock: () => number = Date.now): AuditLog {
  const path = auditLogPath(dataDirAbs, id);
  const { key, created } = ensureAuditKey(dataDirAbs, id);
  let carriedSeq = 0;
  if (created && existsSync(path)) {
    carriedSeq = lineCount(path);
    renameSync(path, join(dirname(path), `audit.unkeyed-${clock()}.jsonl`));
  }
  const tail = chainTail(path, key);
  return new AuditLog(id, path, clock, 10_000, carriedSeq + tail.lines, tail.last, key);
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
 * file's count so `since` stays meaningful). Each line carries the mac of the line before and
 * its own (keyed), so an edited, deleted or rewritten line is found by `npx just audit verify`.
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
    private lastMac = chainStart,
    /** The chain's key; a log with no file (path null) needs none. */
    private readonly key: Buffer | null = null,
  ) {
    this.seq = startSeq;
    if (path && !key) throw new Error('an audit log written to a file needs its chain key');
    if (path) mkdirSync(dirname(path), { recursive: true });
  }

  record(kind: string, fields: Record<string, unknown> = {}): AuditEvent {
    const event: AuditEvent = { seq: ++this.seq, ts: this.clock(), node: this.node, ...fields, kind };
    this.events.push(event);
    if (this.events.length > this.keepMax) this.events.splice(0, this.events.length - this.keepMax);
    // Synchronous append: the audit line must exist even if the process is killed next.
    if (this.path && this.key) {
      const { line, mac: own } = chainLine(event, this.lastMac, this.key);
      this.lastMac = own;
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
