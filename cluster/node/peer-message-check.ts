import type { Entry, Message } from '../raft/messages.ts';
import { snapshotProblem } from './snapshot-check.ts';

/**
 * Structural validation of peer messages on the hot path. Hand-written rather than zod: this
 * runs for every batch between nodes and a schema library's allocation per field costs more
 * than the message handling itself. Returns a reason for the first problem, or null.
 */
export function checkMessages(value: unknown, self: string, view?: PeerView): string | null {
  if (!Array.isArray(value)) return 'body must be a JSON array of messages';
  const now = view?.now();
  for (let i = 0; i < value.length; i++) {
    const problem = checkMessage(value[i]) ?? (now ? checkAgainst(value[i] as Message, now) : null);
    if (problem) return `message ${i}: ${problem}`;
    if ((value[i] as Message).to !== self) return `message ${i}: addressed to ${(value[i] as Message).to}, this is ${self}`;
  }
  return null;
}

/** What this node knows now, for the checks a message's shape cannot settle. */
export interface PeerView {
  now(): { readonly term: number; readonly leader: string | null; readonly role: string; readonly lastIndex: number; readonly members: readonly string[] };
}

/**
 * Terms and indexes stay far below 2^53, so `term + 1` and `index + n` stay exact: a term near
 * 2^53 once froze every election for good. No real cluster comes near 2^40 (a new term every
 * millisecond for 34 years).
 */
export const termMax = 2 ** 40;
export const indexMax = 2 ** 48;

const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= indexMax;
const isTerm = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= termMax;

/**
 * Checks against the node's state: a sender must be another member; a successful appendResp cannot
 * have matched beyond the leader's last index (a leader died on that invariant); a timeoutNow only
 * counts from the leader of this term (a stranger's forced an election per message).
 */
function checkAgainst(m: Message, now: ReturnType<PeerView['now']>): string | null {
  if (!now.members.includes(m.from) || m.from === m.to) return `sender ${m.from} is not another member`;
  if (m.type === 'appendResp' && m.term === now.term && now.role === 'LEADER' && m.success && m.index > now.lastIndex) {
    return `appendResp index ${m.index} is beyond this leader's last index ${now.lastIndex}`;
  }
  if (m.type === 'timeoutNow' && (m.term !== now.term || m.from !== now.leader)) return `timeoutNow from ${m.from} in term ${m.term}, but the leader of term ${now.term} is ${now.leader ?? 'unknown'}`;
  return null;
}

/**
 * A command entry's data must be the JSON of a command the state machine can apply: an entry
 * that is stored and then fails to apply crash-loops its node at every restart.
 */
export function commandProblem(data: string): string | null {
  let c: unknown;
  try {
    c = JSON.parse(data);
  } catch {
    return 'entry.data is not JSON';
  }
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return 'entry.data must be a JSON object';
  const x = c as Record<string, unknown>;
  const optStr = (v: unknown) => v === undefined || typeof v === 'string';
  if (!optStr(x.clientId) || !optStr(x.requestId)) return 'entry.data clientId/requestId must be strings';
  switch (x.op) {
    case 'append': return typeof x.source === 'string' ? null : 'append needs a string source';
    case 'put': return isStr(x.key) && isStr(x.value) ? null : 'put needs string key and value';
    case 'cas': return isStr(x.key) && isStr(x.value) && (x.expect === null || isStr(x.expect)) ? null : 'cas needs string key, value and expect (or null)';
    default: return `entry.data has unknown op ${JSON.stringify(x.op)}`;
  }
}
const isStr = (v: unknown): v is string => typeof v === 'string';

function checkEntry(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return 'entry must be an object';
  const x = e as Partial<Entry>;
  if (!isIndex(x.index) || x.index < 1) return 'entry.index must be a positive integer';
  if (!isTerm(x.term)) return `entry.term must be an integer from 0 to ${termMax}`;
  if (x.kind !== 'command' && x.kind !== 'noop') return 'entry.kind must be command or noop';
  if (!isStr(x.data)) return 'entry.data must be a string';
  return x.kind === 'command' ? commandProblem(x.data) : null;
}

function checkMessage(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'must be an object';
  const m = v as Record<string, unknown>;
  if (!isStr(m.from) || !isStr(m.to)) return 'from and to must be strings';
  if (!isTerm(m.term)) return `term must be an integer from 0 to ${termMax}`;
  switch (m.type) {
    case 'vote':
    case 'prevote':
      if (!isIndex(m.lastLogIndex) || !isTerm(m.lastLogTerm)) return 'lastLogIndex/lastLogTerm must be integers';
      if (typeof m.transfer !== 'boolean') return 'transfer must be a boolean';
      return null;
    case 'voteResp':
    case 'prevoteResp':
      return typeof m.granted === 'boolean' ? null : 'granted must be a boolean';
    case 'append': {
      if (!isIndex(m.prevIndex) || !isTerm(m.prevTerm) || !isIndex(m.commit)) return 'prevIndex/prevTerm/commit must be integers';
      if (!Array.isArray(m.entries)) return 'entries must be an array';
      let expected = m.prevIndex + 1;
      let lastTerm = m.prevTerm;
      for (const e of m.entries) {
        const problem = checkEntry(e);
        if (problem) return problem;
        if ((e as Entry).index !== expected++) return 'entries must be contiguous after prevIndex';
        // A log's terms never decrease, and no entry is from a term later than its message's.
        if ((e as Entry).term < lastTerm || (e as Entry).term > m.term) return 'entry terms must not decrease and not exceed the message term';
        lastTerm = (e as Entry).term;
      }
      return null;
    }
    case 'appendResp':
      if (typeof m.success !== 'boolean') return 'success must be a boolean';
      if (m.catchingUp !== undefined && typeof m.catchingUp !== 'boolean') return 'catchingUp must be a boolean';
      return isIndex(m.index) && isIndex(m.hintIndex) && isTerm(m.hintTerm) ? null : 'index/hintIndex/hintTerm must be integers';
    case 'heartbeat':
      if (!isIndex(m.commit)) return 'commit must be an integer';
      return m.readCtx === null || isStr(m.readCtx) ? null : 'readCtx must be a string or null';
    case 'heartbeatResp':
      if (m.catchingUp !== undefined && typeof m.catchingUp !== 'boolean') return 'catchingUp must be a boolean';
      return m.readCtx === null || isStr(m.readCtx) ? null : 'readCtx must be a string or null';
    case 'snapshot': {
      const s = m.snapshot as Record<string, unknown> | null;
      if (typeof s !== 'object' || s === null) return 'snapshot must be an object';
      if (!isIndex(s.index) || !isTerm(s.term) || !isStr(s.data)) return 'snapshot needs index, term and data';
      return snapshotProblem(s as { index: number; term: number; data: string }, m.term);
    }
    case 'timeoutNow':
      return null;
    default:
      return `unknown message type ${JSON.stringify(m.type)}`;
  }
}
