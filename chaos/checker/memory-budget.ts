// Bytes the searches' memos and state tables may hold together. Growth that would pass the limit
// is refused with MemoryLimitError, so a search ends "unknown" instead of the process aborting.

export class MemoryLimitError extends Error {
  constructor(readonly limitBytes: number) {
    super(`memory limit of ${Math.round(limitBytes / 2 ** 20)} MiB reached`);
    this.name = 'MemoryLimitError';
  }
}

export class MemoryBudget {
  usedBytes = 0;
  peakBytes = 0;

  constructor(readonly limitBytes: number) {}

  /** Counts `bytes` more, or throws MemoryLimitError (counting nothing) if that passes the limit. */
  reserve(bytes: number): void {
    if (this.usedBytes + bytes > this.limitBytes) throw new MemoryLimitError(this.limitBytes);
    this.usedBytes += bytes;
    if (this.usedBytes > this.peakBytes) this.peakBytes = this.usedBytes;
  }

  release(bytes: number): void {
    this.usedBytes -= bytes;
  }
}
