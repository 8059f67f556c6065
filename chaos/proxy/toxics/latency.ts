// Each chunk leaves `latency` ± `jitter` ms after it entered the proxy, in order. Delays are
// measured from arrival, not from the previous departure, so latency does not cap throughput.
import type { Attributes, Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

class LatencyStage implements Stage {
  private readonly queue: Array<{ chunk: Chunk; dueMs: number }> = [];
  private ended = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly attributes: Attributes, private readonly out: StageOutput) {}

  private delayMs(): number {
    const latency = this.attributes.latency ?? 0;
    const jitter = this.attributes.jitter ?? 0;
    if (jitter === 0) return latency;
    return latency + Math.round((this.out.random() * 2 - 1) * jitter);
  }

  write(chunk: Chunk): void {
    this.queue.push({ chunk, dueMs: chunk.atMs + this.delayMs() });
    if (this.queue.length === 1) this.release();
  }

  end(): void {
    this.ended = true;
    if (this.queue.length === 0) this.out.end();
  }

  private release(): void {
    this.timer = undefined;
    const now = this.out.nowMs();
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.dueMs > now) {
        this.timer = setTimeout(() => this.release(), Math.ceil(head.dueMs - now));
        return;
      }
      this.queue.shift();
      head.chunk.atMs = Math.max(head.chunk.atMs, head.dueMs);
      this.out.push(head.chunk);
    }
    if (this.ended) this.out.end();
  }

  stop(): Chunk[] {
    clearTimeout(this.timer);
    return this.queue.splice(0).map((q) => q.chunk);
  }
}

export const latency: ToxicKind = {
  type: 'latency',
  goStruct: 'LatencyToxic',
  fields: { latency: 'int64', jitter: 'int64' },
  create: (attributes, out) => new LatencyStage(attributes, out),
};
