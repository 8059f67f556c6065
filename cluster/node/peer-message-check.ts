import type { Entry, Message } from '../raft/messages.ts';

/**
 * Structural validation of peer messages on the hot path. Hand-written rather than zod: this
 * runs for every batch between nodes and a schema library's allocation per field costs more
 * than the message handling itself. Returns a reason for the first problem, or null.
 */
export function checkMessages(value: unknown, self: string): string | null {
  if (!Array.isArray(value)) return 'body must be a JSON array of messages';
  for (let i = 0; i < value.length; i++) {
    const problem = checkMessage(value[i]);
    if (problem) return `message ${i}: ${problem}`;
    if ((value[i] as Message).to !== self) return `message ${i}: addressed to ${(value[i] as Message).to}, this is ${self}`;
  }
  return null;
}

const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isStr = (v: unknown): v is string => typeof v === 'string';

function checkEntry(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return 'entry must be an object';
  const x = e as Partial<Entry>;
  if (!isIndex(x.index) || x.index < 1) return 'entry.index must be a positive integer';
  if (!isIndex(x.term)) return 'entry.term must be a non-negative integer';
  if (x.kind !== 'command' && x.kind !== 'noop') return 'entry.kind must be command or noop';
  if (!isStr(x.data)) return 'entry.data must be a string';
  return null;
}

function checkMessage(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'must be an object';
  const m = v as Record<string, unknown>;
  if (!isStr(m.from) || !isStr(m.to)) return 'from and to must be strings';
  if (!isIndex(m.term)) return 'term must be a non-negative integer';
  switch (m.type) {
    case 'vote':
    case 'prevote':
      if (!isIndex(m.lastLogIndex) || !isIndex(m.lastLogTerm)) return 'lastLogIndex/lastLogTerm must be integers';
      if (typeof m.transfer !== 'boolean') return 'transfer must be a boolean';
      return null;
    case 'voteResp':
    case 'prevoteResp':
      return typeof m.granted === 'boolean' ? null : 'granted must be a boolean';
    case 'append': {
      if (!isIndex(m.prevIndex) || !isIndex(m.prevTerm) || !isIndex(m.commit)) return 'prevIndex/prevTerm/commit must be integers';
      if (!Array.isArray(m.entries)) return 'entries must be an array';
      let expected = m.prevIndex + 1;
      for (const e of m.entries) {
        const problem = checkEntry(e);
        if (problem) return problem;
        if ((e as Entry).index !== expected++) return 'entries must be contiguous after prevIndex';
      }
      return null;
    }
    case 'appendResp':
      if (typeof m.success !== 'boolean') return 'success must be a boolean';
      if (m.catchingUp !== undefined && typeof m.catchingUp !== 'boolean') return 'catchingUp must be a boolean';
      return isIndex(m.index) && isIndex(m.hintIndex) && isIndex(m.hintTerm) ? null : 'index/hintIndex/hintTerm must be integers';
    case 'heartbeat':
      if (!isIndex(m.commit)) return 'commit must be an integer';
      return m.readCtx === null || isStr(m.readCtx) ? null : 'readCtx must be a string or null';
    case 'heartbeatResp':
      if (m.catchingUp !== undefined && typeof m.catchingUp !== 'boolean') return 'catchingUp must be a boolean';
      return m.readCtx === null || isStr(m.readCtx) ? null : 'readCtx must be a string or null';
    case 'snapshot': {
      const s = m.snapshot as Record<string, unknown> | null;
      if (typeof s !== 'object' || s === null) return 'snapshot must be an object';
      return isIndex(s.index) && isIndex(s.term) && isStr(s.data) ? null : 'snapshot needs index, term and data';
    }
    case 'timeoutNow':
      return null;
    default:
      return `unknown message type ${JSON.stringify(m.type)}`;
  }
}
