/**
 * Errors the gateway answers with itself (as opposed to answers it passes through from a node).
 * Each has a stable `code` and the HTTP status it maps to; the body is always `{error, code}`.
 */
export type GatewayErrorCode =
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_FOUND'
  /** No leader answered within the failover deadline: for a write the outcome is unknown. */
  | 'NO_LEADER'
  | 'INTERNAL';

const statusByCode: Record<GatewayErrorCode, number> = {
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  NO_LEADER: 503,
  INTERNAL: 500,
};

export class GatewayError extends Error {
  readonly status: number;
  constructor(readonly code: GatewayErrorCode, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'GatewayError';
    this.status = statusByCode[code];
  }

  toBody(): Record<string, unknown> {
    return { error: this.message, code: this.code, ...this.details };
  }
}

/**
 * A node could not be asked: connection refused or reset, the attempt timed out or was
 * abandoned, or its circuit is open. Whether a write reached it is unknown.
 */
export class NodeUnavailableError extends Error {
  /** True when the request certainly never reached the node (circuit open, connection refused). */
  readonly notSent: boolean;

  constructor(
    readonly nodeId: string,
    readonly code: 'NODE_UNREACHABLE' | 'NODE_TIMEOUT' | 'CIRCUIT_OPEN' | 'ABANDONED',
    message: string,
    options: { cause?: unknown; notSent?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'NodeUnavailableError';
    this.notSent = options.notSent ?? false;
  }
}

/** A request body over the limit, read by body-parser or by the plain write routes. */
export const bodyTooLarge = (): GatewayError => new GatewayError('PAYLOAD_TOO_LARGE', 'request body is larger than the limit');
/** A request body that is not JSON, or (body-parser's strict mode) not an object or array. */
export const bodyNotJson = (): GatewayError => new GatewayError('BAD_REQUEST', 'body is not valid JSON');

/** Body-parser and router errors carry `type`/`status`; anything else is a bug, answered 500. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = err as { type?: unknown; status?: unknown; message?: unknown };
  if (e.type === 'entity.too.large' || e.status === 413) return bodyTooLarge();
  if (e.type === 'entity.parse.failed') return bodyNotJson();
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new GatewayError('BAD_REQUEST', typeof e.message === 'string' ? e.message : 'bad request');
  }
  return new GatewayError('INTERNAL', 'internal gateway error');
}
