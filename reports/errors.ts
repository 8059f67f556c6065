/** An operating error of the report tools; `code` is stable for scripts and HTTP answers. */
export type ReportErrorCode = 'RUN_NOT_FOUND' | 'RUN_UNREADABLE' | 'RUN_MALFORMED' | 'USAGE' | 'ASSET_MISSING';

export class ReportError extends Error {
  constructor(readonly code: ReportErrorCode, message: string) {
    super(message);
    this.name = 'ReportError';
  }
}
