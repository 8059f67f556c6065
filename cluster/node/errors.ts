import { nodeErrorTable, type NodeErrorCode } from '../common/outcome-table.ts';

/**
 * Operating errors a node reports to its clients, each with a stable code and HTTP status.
 * `definite` says whether the operation certainly did not take effect (a client may record
 * it as `fail`) or its outcome is unknown (`info`: retry with the same ids).
 */
// Codes, statuses and definiteness live in the shared outcome table (cluster/common/outcome-table.ts).
export type { NodeErrorCode };

export class NodeError extends Error {
  readonly status: number;
  readonly definite: boolean;

  constructor(readonly code: NodeErrorCode, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'NodeError';
    this.status = nodeErrorTable[code].status;
    this.definite = nodeErrorTable[code].outcome === 'not-applied';
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
