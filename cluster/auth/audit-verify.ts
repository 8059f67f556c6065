import { readFileSync } from 'node:fs';
import { chainStart, lineHash } from '../node/audit-log.ts';

export type AuditVerdict =
  | { readonly ok: true; readonly lines: number }
  | { readonly ok: false; readonly lines: number; readonly badLine: number; readonly reason: string };

/**
 * Walks an audit log's hash chain. The first bad line is the first whose own hash does not
 * match its text (it was edited) or whose `prev` is not the hash of the line before it (a line
 * before it was deleted, inserted or reordered). Lines are numbered from 1.
 */
export function verifyAuditText(text: string): AuditVerdict {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let prev = chainStart;
  for (let i = 0; i < lines.length; i++) {
    const own = lineHash(lines[i]!);
    if (own === null) return { ok: false, lines: lines.length, badLine: i + 1, reason: 'its text does not match its hash (edited, or not a chained line)' };
    if (own.prev !== prev) return { ok: false, lines: lines.length, badLine: i + 1, reason: 'its prev is not the hash of the line before (a line was removed, inserted or moved)' };
    prev = own.hash;
  }
  return { ok: true, lines: lines.length };
}

export function verifyAuditFile(path: string): AuditVerdict {
  return verifyAuditText(readFileSync(path, 'utf8'));
}
