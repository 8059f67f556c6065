import { readFileSync } from 'node:fs';
import { chainStart, lineMac } from './audit-log.ts';

export type AuditVerdict =
  | { readonly ok: true; readonly lines: number }
  | { readonly ok: false; readonly lines: number; readonly badLine: number; readonly reason: string };

/**
 * Walks an audit log's keyed chain. The first bad line is the first whose own mac does not
 * match its text under the key (edited, or rewritten without the key) or whose `prev` is not
 * the mac of the line before it (a line before it was deleted, inserted or reordered). Lines
 * are numbered from 1.
 */
export function verifyAuditText(text: string, key: Buffer): AuditVerdict {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let prev = chainStart;
  for (let i = 0; i < lines.length; i++) {
    const own = lineMac(lines[i]!, key);
    if (own === null) return { ok: false, lines: lines.length, badLine: i + 1, reason: 'its text does not match its mac under the key (edited, rewritten, or not a chained line)' };
    if (own.prev !== prev) return { ok: false, lines: lines.length, badLine: i + 1, reason: 'its prev is not the mac of the line before (a line was removed, inserted or moved)' };
    prev = own.mac;
  }
  return { ok: true, lines: lines.length };
}

export function verifyAuditFile(path: string, key: Buffer): AuditVerdict {
  return verifyAuditText(readFileSync(path, 'utf8'), key);
}
