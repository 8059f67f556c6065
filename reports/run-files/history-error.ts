// The error a history file (or a checker given one) reports about its input; chaos/checker/errors.ts re-exports it.
export type CheckerErrorCode =
  | 'HISTORY_PARSE' // a history file line could not be read as an event
  | 'HISTORY_INVALID' // events parse but break the op model (double invoke, orphan completion, reuse after info)
  | 'UNKNOWN_FUNCTION'; // a model was given an f it does not define

/** An operating error about the input a checker was given; bugs in the checker are assertions. */
export class CheckerError extends Error {
  constructor(
    readonly code: CheckerErrorCode,
    message: string,
    /** 1-based line in the source file, when the error came from one. */
    readonly line: number | null = null,
  ) {
    super(line === null ? message : `line ${line}: ${message}`);
    this.name = 'CheckerError';
  }
}
