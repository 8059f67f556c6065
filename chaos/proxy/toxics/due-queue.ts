import type { Chunk, StageOutput } from './stage.ts';

/**
 * Chunks released in arrival order once their due time has come, for the toxics that hold
 * data back (latency, slicer). One timer at a time, armed for the head of the queue.
 */
export class DueQueue {
  private readonly queue: { chunk: Chunk; dueMs: number }[] = [];
  private ended = false;
  private timer: NodeJS.Timeout | undefined;

  /** `stampDeparture`: a released chunk's atMs becomes its due time (latency adds to it). */
  constructor(private readonly out: StageOutput, private readonly stampDeparture: boolean) {}

  /** Queue a chunk; call release() once after pushing a batch. */
  push(chunk: Chunk, dueMs: number): void {
    this.queue.push({ chunk, dueMs });
  }

  /** Send everything due now and arm the timer for the rest (a no-op while it is armed). */
  release(): void {
    if (this.timer === undefined) this.releaseDue();
  }

  end(): void {
    this.ended = true;
    if (this.queue.length === 0) this.out.end();
  }

  /** The chunks still held, for the stage that replaces this one; nothing is released after. */
  stop(): Chunk[] {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.queue.splice(0).map((q) => q.chunk);
  }

  private releaseDue(): void {
    this.timer = undefined;
    const now = this.out.nowMs();
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.dueMs > now) {
        this.timer = setTimeout(() => this.releaseDue(), Math.max(1, Math.ceil(head.dueMs - now)));
        return;
      }
      this.queue.shift();
      if (this.stampDeparture) head.chunk.atMs = Math.max(head.chunk.atMs, head.dueMs);
      this.out.push(head.chunk);
    }
    if (this.ended) this.out.end();
  }
}
