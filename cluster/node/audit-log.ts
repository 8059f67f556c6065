import { appendFileSync, mkdirSync } from 'node:fs';
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

/**
 * The node's audit log of role changes, elections and snapshots: kept in memory for
 * `GET /raft/events?since=` and appended to a JSONL file in the data folder, which survives
 * restarts (sequence numbers continue from the file's count so `since` stays meaningful).
 */
export class AuditLog {
  private events: AuditEvent[] = [];
  private seq = 0;

  constructor(
    private readonly node: string,
    private readonly path: string | null,
    private readonly clock: () => number,
    private readonly keepMax = 10_000,
    startSeq = 0,
  ) {
    this.seq = startSeq;
    if (path) mkdirSync(dirname(path), { recursive: true });
  }

  record(kind: string, fields: Record<string, unknown> = {}): AuditEvent {
    const event: AuditEvent = { seq: ++this.seq, ts: this.clock(), node: this.node, ...fields, kind };
    this.events.push(event);
    if (this.events.length > this.keepMax) this.events.splice(0, this.events.length - this.keepMax);
    // Synchronous append: the audit line must exist even if the process is killed next.
    if (this.path) appendFileSync(this.path, `${JSON.stringify(event)}\n`);
    return event;
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
