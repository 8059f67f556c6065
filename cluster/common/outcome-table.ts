/**
 * The one table of what a node's error code says about a write: `not-applied` (the node refused
 * before its log took the write, so a client may record `fail`) or `unknown` (it may yet be
 * applied: record `info`, retry with the same ids). The node (errors.ts), the gateway
 * (forwarder.ts, node-client.ts) and the chaos history (write-outcome.ts) all read it here:
 * the checker is only sound while they agree.
 */
export type WriteOutcome = 'not-applied' | 'unknown';

export interface CodeRule {
  readonly status: number;
  readonly outcome: WriteOutcome;
  /** A 503 from a node that is up and reasoning about leadership: not a sign the node is failing. */
  readonly leadership: boolean;
}

export const nodeErrorTable = {
  BAD_REQUEST: { status: 400, outcome: 'not-applied', leadership: false },
  PAYLOAD_TOO_LARGE: { status: 413, outcome: 'not-applied', leadership: false },
  NOT_FOUND: { status: 404, outcome: 'not-applied', leadership: false },
  BAD_MESSAGE: { status: 400, outcome: 'not-applied', leadership: false },
  NOT_LEADER: { status: 421, outcome: 'not-applied', leadership: true },
  TRANSFER_IN_PROGRESS: { status: 503, outcome: 'not-applied', leadership: true },
  PROPOSAL_DROPPED: { status: 503, outcome: 'not-applied', leadership: true },
  LEADERSHIP_LOST: { status: 503, outcome: 'unknown', leadership: true },
  TIMEOUT: { status: 504, outcome: 'unknown', leadership: false },
  SHUTTING_DOWN: { status: 503, outcome: 'unknown', leadership: false },
} as const satisfies Record<string, CodeRule>;

export type NodeErrorCode = keyof typeof nodeErrorTable;

function ruleOf(code: unknown): CodeRule | undefined {
  return typeof code === 'string' && Object.hasOwn(nodeErrorTable, code) ? nodeErrorTable[code as NodeErrorCode] : undefined;
}

/** A 421, or a 503 whose code the table marks not-applied: no attempt of the write can have taken effect. */
export function refusedBeforeLog(status: number, code: unknown): boolean {
  if (status === 421) return true;
  return status === 503 && ruleOf(code)?.outcome === 'not-applied';
}

/** A 503 carrying one of the leadership codes: the node is healthy, only not (or no longer) the leader. */
export function isLeadershipAnswer(status: number, code: unknown): boolean {
  return status === 503 && ruleOf(code)?.leadership === true;
}
