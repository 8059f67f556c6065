import type { NodeId } from './messages.ts';

export type RaftErrorCode = 'NOT_LEADER' | 'TRANSFER_IN_PROGRESS' | 'INVALID_ARGUMENT';

/** An operating error the host reports to its caller; bugs are assertions, not RaftErrors. */
export class RaftError extends Error {
  constructor(
    readonly code: RaftErrorCode,
    message: string,
    readonly leader: NodeId | null = null,
  ) {
    super(message);
    this.name = 'RaftError';
  }
}

/** Invariant violations crash: continuing after one could corrupt replicated state. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`raft invariant violated: ${message}`);
}
