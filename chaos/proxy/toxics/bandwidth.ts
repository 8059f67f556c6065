// Limits one direction to `rate` KB/s (1 KB = 1000 bytes; 0 or less = unlimited). Each piece waits
// for its transmission time before it leaves; pieces are at most 100 ms worth of bytes so that a
// large chunk trickles out instead of arriving in one lump after a long silence.
import type { Attributes, Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

class BandwidthStage implements Stage {
  private readonly queue: Chunk[] = [];
  private ended = false;
  private timer: NodeJS.Timeout | undefined;
  /** When the link is next free: the departure time of the last piece sent. */
  private clockMs = 0;
  private head: { size: number; dueMs: number } | undefined;

  constructor(private readonly rateKBps: number, private readonly out: StageOutput) {}

  write(chunk: Chunk): void {
    if (this.rateKBps <= 0) { this.out.push(chunk); return; }
    this.queue.push(chunk);
    if (this.queue.length === 1 && this.timer === undefined) this.release();
  }

  end(): void {
    this.ended = true;
    if (this.queue.length === 0) this.out.end();
  }

  private release(): void {
    this.timer = undefined;
    const now = this.out.nowMs();
    const bytesPerMs = this.rateKBps;
    while (this.queue.length > 0) {
      const chunk = this.queue[0]!;
      if (this.head === undefined) {
        const size = Math.min(chunk.data.length, this.rateKBps * 100);
        this.head = { size, dueMs: Math.max(this.clockMs, now) + size / bytesPerMs };
      }
      if (this.head.dueMs > now) {
        this.timer = setTimeout(() => this.release(), Math.ceil(this.head.dueMs - now));
        return;
      }
      this.clockMs = this.head.dueMs;
      const piece = chunk.data.subarray(0, this.head.size);
      if (this.head.size === chunk.data.length) this.queue.shift();
      else chunk.data = chunk.data.subarray(this.head.size);
      this.head = undefined;
      this.out.push({ data: piece, atMs: now });
    }
    if (this.ended) this.out.end();
  }

  stop(): Chunk[] {
    clearTimeout(this.timer);
    return this.queue.splice(0);
  }
}

export const bandwidth: ToxicKind = {
  type: 'bandwidth',
  goStruct: 'BandwidthToxic',
  fields: { rate: 'int64' },
  create: (attributes, out) => new BandwidthStage(attributes.rate ?? 0, out),
};
