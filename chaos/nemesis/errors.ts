/**
 * Operating errors of the nemesis, each with a stable `code`.
 *
 * Exports: `NemesisError`, `NemesisErrorCode`.
 */
export type NemesisErrorCode =
  /** A role needing a leader was resolved while no node led the highest term (bounded wait). */
  | 'NO_LEADER'
  /** The role matched no node (e.g. `follower` with every other node down). */
  | 'NO_TARGET'
  | 'UNKNOWN_NODE'
  /** The fault is malformed or makes no sense for this cluster (ring on 3 nodes). */
  | 'INVALID_FAULT'
  /** A link the fault needs has no proxy: is the cluster in `toxiproxy` link mode? */
  | 'LINK_MISSING'
  | 'TOXIPROXY_FAILED'
  | 'TRANSFER_FAILED'
  /** Some undo step failed; the fault stays pending in the ledger for the next heal. */
  | 'HEAL_FAILED';

export class NemesisError extends Error {
  constructor(readonly code: NemesisErrorCode, message: string) {
    super(message);
    this.name = 'NemesisError';
  }
}
