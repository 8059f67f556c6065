// One vocabulary for why a request failed, shared by both engines and every report.
//   http_<status>  the server answered with a status the workload does not count as ok
//   timeout        no complete response within the per-request timeout
//   connection     could not connect, or the connection broke (refused, reset, closed)
//   overload       never sent: the in-flight cap was reached (the server is not keeping up)
//   aborted        cut short because the caller aborted the run
//   other          anything else; the message is kept as a sample for the report
export type ErrorKind = `http_${number}` | 'timeout' | 'connection' | 'overload' | 'aborted' | 'other';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_DESTROYED',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export function httpErrorKind(statusCode: number): ErrorKind {
  return `http_${statusCode}`;
}

export function classifyError(err: unknown): ErrorKind {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    if (CONNECTION_CODES.has(code)) return 'connection';
  }
  // Node wraps some socket failures (e.g. several addresses refused) in an AggregateError.
  if (err instanceof AggregateError && err.errors.length > 0) return classifyError(err.errors[0]);
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (cause !== undefined && cause !== err) return classifyError(cause);
  return 'other';
}
