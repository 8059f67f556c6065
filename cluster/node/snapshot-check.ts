/**
 * A peer's install-snapshot, checked before the core sees it: once stepped, the snapshot is
 * persisted and restored, and a body the state machine cannot restore would take the node down
 * (and crash-loop it at every restart). Returns the first problem, or null.
 *
 * The body is the state machine's snapshot (state-machine.ts, version 1). Its sizes are bounded
 * by its index: every record, key and session came from at least one entry at or below it.
 */
export function snapshotProblem(s: { readonly index: number; readonly term: number; readonly data: string }, messageTerm: number): string | null {
  if (s.index < 1 || s.term < 1) return 'snapshot index and term must be at least 1';
  if (s.term > messageTerm) return `snapshot term ${s.term} is later than its message's term ${messageTerm}`;
  let body: unknown;
  try {
    body = JSON.parse(s.data);
  } catch {
    return 'snapshot data is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'snapshot data must be a JSON object';
  const b = body as Record<string, unknown>;
  if (b.v !== 1) return `snapshot data has unknown version ${JSON.stringify(b.v)}`;
  if (b.index !== s.index) return `snapshot data is as of index ${JSON.stringify(b.index)}, its message says ${s.index}`;
  if (!Array.isArray(b.records) || !Array.isArray(b.kv) || !Array.isArray(b.dedup)) return 'snapshot data needs records, kv and dedup arrays';
  const most = s.index;
  if (b.records.length > most || b.kv.length > most || b.dedup.length > most) return `snapshot data holds more records, keys or sessions than its ${most} entries could have made`;
  let lastId = 0;
  for (let i = 0; i < b.records.length; i++) {
    const problem = recordProblem(b.records[i], lastId, s);
    if (problem) return `snapshot record ${i}: ${problem}`;
    lastId = (b.records[i] as { id: number }).id;
  }
  for (const pair of b.kv) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return 'snapshot kv must be [key, value] string pairs';
  }
  const sessions = new Set<string>();
  for (const pair of b.dedup) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') return 'snapshot dedup must be [session key, result] pairs';
    if (sessions.has(pair[0])) return 'snapshot dedup repeats a session key';
    sessions.add(pair[0]);
    const problem = resultProblem(pair[1], s.index);
    if (problem) return `snapshot dedup result: ${problem}`;
  }
  return null;
}

const strOrNull = (v: unknown) => v === null || typeof v === 'string';

function recordProblem(r: unknown, lastId: number, s: { readonly index: number; readonly term: number }): string | null {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'must be an object';
  const x = r as Record<string, unknown>;
  if (!Number.isSafeInteger(x.id) || (x.id as number) <= lastId || (x.id as number) > s.index) return 'ids must increase and not pass the snapshot index';
  if (!Number.isSafeInteger(x.term) || (x.term as number) < 1 || (x.term as number) > s.term) return 'term must be from 1 to the snapshot term';
  if (typeof x.source !== 'string' || !strOrNull(x.clientId) || !strOrNull(x.requestId)) return 'source must be a string, clientId/requestId strings or null';
  // `data` is any JSON, and absent when the append carried none (JSON drops undefined).
  return null;
}

function resultProblem(v: unknown, index: number): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object';
  const x = v as Record<string, unknown>;
  switch (x.op) {
    case 'append': return Number.isSafeInteger(x.entryId) && (x.entryId as number) >= 1 && (x.entryId as number) <= index ? null : 'append entryId must be an index at or below the snapshot';
    case 'put': return typeof x.value === 'string' ? null : 'put value must be a string';
    case 'cas': return typeof x.success === 'boolean' && strOrNull(x.value) ? null : 'cas needs a boolean success and a string or null value';
    default: return `unknown op ${JSON.stringify(x.op)}`;
  }
}
