// Each chunk leaves `latency` ± `jitter` ms after it entered the proxy, in order. Delays are
// measured from arrival, not from the previous departure, so latency does not cap throughput.
import { DueQueue } from './due-queue.ts';
import type { Attributes, Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

class LatencyStage implements Stage {
  private readonly held: DueQueue;

  constructor(private readonly attributes: Attributes, private readonly out: StageOutput) {
    this.held = new DueQueue(out, true);
  }

  private delayMs(): number {
    const latency = this.attributes.latency ?? 0;
    const jitter = this.attributes.jitter ?? 0;
    if (jitter <= 0) return latency;
    // Go's rand.Int63n(2*jitter) - jitter: a whole number of ms in [-jitter, jitter).
    return latency + Math.floor(this.out.random() * 2 * jitter) - jitter;
  }

  write(chunk: Chunk): void {
    this.held.push(chunk, chunk.atMs + this.delayMs());
    this.held.release();
  }

  end(): void {
    this.held.end();
  }

  stop(): Chunk[] {
    return this.held.stop();
  }
}

export const latency: ToxicKind = {
  type: 'latency',
  goStruct: 'LatencyToxic',
  fields: { latency: 'int64', jitter: 'int64' },
  create: (attributes, out) => new LatencyStage(attributes, out),
};
