export type StorageErrorCode =
  /** A record that is not a torn tail failed its checksum or does not decode: refuse to start. */
  | 'WAL_CORRUPT'
  /** The log's checkpoint refers to a snapshot whose file is gone or fails its checksum. */
  | 'SNAPSHOT_MISSING'
  /** The caller broke the storage contract (gap in entries, compaction past the log, ...). */
  | 'INVALID_ARGUMENT'
  /** A snapshot older than the one already held: installing it would move the log backwards. */
  | 'SNAPSHOT_OUT_OF_DATE'
  | 'INVALID_OPTIONS'
  /** load() not called yet, or called twice. */
  | 'NOT_LOADED'
  | 'ALREADY_LOADED'
  | 'CLOSED'
  /**
   * An earlier write or sync failed. After a failed fsync the kernel may have dropped the dirty
   * pages, so nothing written since the last good sync can be trusted: every later call fails too.
   */
  | 'STORAGE_FAILED';

/** An operating error with a stable code; bugs inside the storage are assertions instead. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** WAL_CORRUPT always names where: an operator has to find the bytes to decide what to do. */
export class WalCorruptError extends StorageError {
  constructor(
    readonly path: string,
    readonly offsetBytes: number,
    reason: string,
  ) {
    super('WAL_CORRUPT', `corrupt WAL record in ${path} at byte offset ${offsetBytes}: ${reason}`);
    this.name = 'WalCorruptError';
  }
}

export function storageInvariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`storage invariant violated: ${message}`);
}
