import type { Value } from '../../reports/run-files/history-file.ts';
import { classifyNotOk, type WriteCompletion } from './write-outcome.ts';

/**
 * How a KV answer becomes a history completion, per function (the non-2xx rules are the
 * append writer's, see write-outcome.ts: `fail` only when certainly not applied):
 *
 * - read  `GET /api/kv/:key`            2xx `{value: string|null}`   -> ok, the value read
 * - write `PUT /api/kv/:key`            2xx `{success: true}`        -> ok, the value written
 * - cas   `POST /api/kv/:key/cas`       2xx `{success: boolean}`     -> ok, true (swapped) or
 *   false (did not swap: it was applied and found another value — an observation, not a failure)
 *
 * A 2xx whose body does not say what happened is info: it may have been applied.
 */
export type RegisterF = 'read' | 'write' | 'cas';

export function classifyRegisterAnswer(f: RegisterF, input: Value, status: number, body: unknown): WriteCompletion {
  if (status < 200 || status >= 300) return classifyNotOk(status, body);
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  switch (f) {
    case 'read':
      return typeof b.value === 'string' || b.value === null ? { type: 'ok', value: b.value } : { type: 'info', value: 'ok-without-value' };
    case 'write':
      return b.success === true ? { type: 'ok', value: input } : { type: 'info', value: 'ok-without-success' };
    case 'cas':
      return typeof b.success === 'boolean' ? { type: 'ok', value: b.success } : { type: 'info', value: 'ok-without-success' };
  }
}
