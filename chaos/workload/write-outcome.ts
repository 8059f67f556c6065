import { refusedBeforeLog } from '../../cluster/common/outcome-table.ts';
import type { EventType, Value } from '../../reports/run-files/history-file.ts';

/**
 * How a write's answer through the gateway becomes a history completion. The rule is Jepsen's:
 * `fail` only when the write certainly did not take effect, `info` whenever it might have.
 *
 * - 2xx: ok, with the entry id the cluster assigned and the node that took it.
 * - 4xx (validation, 404, 413): fail; the gateway answers these without proposing. A 421
 *   NOT_LEADER comes from a node that refused before proposing: fail too.
 * - 503 NO_LEADER: the gateway gave up at its failover deadline and says whether any attempt
 *   may have been applied (`outcome: "unknown"` -> info) or none can have (`"not-applied"` -> fail).
 * - 503 TRANSFER_IN_PROGRESS / PROPOSAL_DROPPED: the node refused before the log took it: fail.
 * - any other 5xx (LEADERSHIP_LOST, TIMEOUT, 500): unknown -> info.
 * - connection refused: nothing was sent -> fail. Timeouts, resets, anything else -> info.
 */
export interface WriteCompletion {
  readonly type: Exclude<EventType, 'invoke'>;
  /** ok: [entryId, node]; fail/info: a short reason. */
  readonly value: Value;
}

export function classifyAnswer(status: number, body: unknown): WriteCompletion {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (status >= 200 && status < 300) {
    if (typeof b.entryId !== 'number') return { type: 'info', value: 'ok-without-entry-id' };
    return { type: 'ok', value: [b.entryId, typeof b.leader === 'string' ? b.leader : null] };
  }
  return classifyNotOk(status, body);
}

/** Any answer other than 2xx, for every kind of call (the same codes mean the same for KV writes). */
export function classifyNotOk(status: number, body: unknown): WriteCompletion {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof b.code === 'string' ? b.code : `HTTP_${status}`;
  if (status >= 200 && status < 300) throw new Error(`write-outcome invariant violated: ${status} is a success`);
  if (status >= 400 && status < 500) return { type: 'fail', value: code };
  if (code === 'NO_LEADER') return { type: b.outcome === 'not-applied' ? 'fail' : 'info', value: `NO_LEADER:${String(b.outcome ?? 'unknown')}` };
  if (refusedBeforeLog(status, code)) return { type: 'fail', value: code };
  return { type: 'info', value: code };
}

export function classifyError(err: unknown): WriteCompletion {
  const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : typeof e.name === 'string' ? e.name : 'ERROR';
  // Refused: the connection never opened, so the request was never sent.
  if (code === 'ECONNREFUSED') return { type: 'fail', value: code };
  return { type: 'info', value: code };
}
