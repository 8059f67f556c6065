// CheckerError lives beside the history file's format, which throws it (reports/run-files).
export { CheckerError, type CheckerErrorCode } from '../../reports/run-files/history-error.ts';

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`checker invariant violated: ${message}`);
}
