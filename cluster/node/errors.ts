/**
 * Operating errors a node reports to its clients, each with a stable code and HTTP status.
 * `definite` says whether the operation certainly did not take effect (a client may record
 * it as `fail`) or its outcome is unknown (`info`: retry with the same ids).
 */
export type NodeErrorCode =
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_FOUND'
  | 'NOT_LEADER'
  | 'TRANSFER_IN_PROGRESS'
  | 'LEADERSHIP_LOST'
  | 'PROPOSAL_DROPPED'
  | 'TIMEOUT'
  | 'SHUTTING_DOWN'
  | 'BAD_MESSAGE';

const statusByCode: Record<NodeErrorCode, number> = {
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  NOT_LEADER: 421,
  TRANSFER_IN_PROGRESS: 503,
  LEADERSHIP_LOST: 503,
  PROPOSAL_DROPPED: 503,
  TIMEOUT: 504,
  SHUTTING_DOWN: 503,
  BAD_MESSAGE: 400,
};

const definiteCodes = new Set<NodeErrorCode>(['BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'NOT_FOUND', 'NOT_LEADER', 'TRANSFER_IN_PROGRESS', 'PROPOSAL_DROPPED', 'BAD_MESSAGE']);

export class NodeError extends Error {
  readonly status: number;
  readonly definite: boolean;

  constructor(readonly code: NodeErrorCode, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'NodeError';
    this.status = statusByCode[code];
    this.definite = definiteCodes.has(code);
  }

  body(): Record<string, unknown> {
    return { error: this.message, code: this.code, ...this.extra };
  }
}

/** A request body over the limit, read by body-parser or by the plain routes (batch-route.ts). */
export function bodyTooLarge(limitBytes: number): NodeError {
  return new NodeError('PAYLOAD_TOO_LARGE', `request body over ${limitBytes} bytes`);
}

/** A request body that is not JSON; `message` is the parser's. */
export function malformedJson(message: string): NodeError {
  return new NodeError('BAD_REQUEST', `malformed JSON: ${message}`);
}
