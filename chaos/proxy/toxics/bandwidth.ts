// Limits one direction to `rate` KB/s (1 KB = 1000 bytes; 0 or less = unlimited), the way
// Toxiproxy's BandwidthToxic does: each chunk adds its transmission time (len / rate ms) to a
// sleep budget; a chunk larger than 100 ms worth of bytes leaves in 100 ms pieces first; then the
// rest waits out the budget, and the time actually slept is taken off it. A timer that fires late
// thus leaves a negative budget that the next chunk does not wait for, so the average rate holds.
// Deviation: upstream takes a fixed 100 ms off per piece however late its timer was; we take the
// time actually slept, so large chunks keep the rate too (see README).
import type { Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

class BandwidthStage implements Stage {
  private readonly queue: Chunk[] = [];
  private ended = false;
  private timer: NodeJS.Timeout | undefined;
  private sleepMs = 0;
  /** Whether the head chunk's transmission time is already in the budget. */
  private headCounted = false;

  constructor(private readonly rateKBps: number, private readonly out: StageOutput) {}

  write(chunk: Chunk): void {
    this.queue.push(chunk);
    if (this.timer === undefined) this.pump();
  }

  end(): void {
    this.ended = true;
    if (this.queue.length === 0 && this.timer === undefined) this.out.end();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const chunk = this.queue[0]!;
      if (this.rateKBps <= 0) {
        this.sleepMs = 0;
        this.queue.shift();
        this.out.push(chunk);
        continue;
      }
      if (!this.headCounted) {
        // Go's Duration arithmetic: whole nanoseconds.
        this.sleepMs += Math.floor((chunk.data.length * 1e6) / this.rateKBps) / 1e6;
        this.headCounted = true;
      }
      const pieceBytes = this.rateKBps * 100;
      const waitMs = chunk.data.length > pieceBytes ? 100 : this.sleepMs;
      if (waitMs > 0) {
        const startMs = this.out.nowMs();
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.sleepMs -= this.out.nowMs() - startMs;
          this.send(pieceBytes);
          this.pump();
        }, waitMs);
        return;
      }
      this.send(pieceBytes);
    }
    if (this.ended) this.out.end();
  }

  /** Sends the head: a 100 ms piece of it when it is larger than that, else all of it. */
  private send(pieceBytes: number): void {
    const chunk = this.queue[0]!;
    if (chunk.data.length > pieceBytes) {
      this.out.push({ data: chunk.data.subarray(0, pieceBytes), atMs: chunk.atMs });
      chunk.data = chunk.data.subarray(pieceBytes);
      return;
    }
    this.queue.shift();
    this.headCounted = false;
    this.out.push(chunk);
  }

  stop(): Chunk[] {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.queue.splice(0);
  }
}

export const bandwidth: ToxicKind = {
  type: 'bandwidth',
  goStruct: 'BandwidthToxic',
  fields: { rate: 'int64' },
  create: (attributes, out) => new BandwidthStage(attributes.rate ?? 0, out),
};
