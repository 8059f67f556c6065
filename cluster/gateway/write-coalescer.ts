import { NodeUnavailableError } from './errors.ts';
import type { NodeAnswer, NodeClient } from './node-client.ts';
import type { WriteCommand } from './write-command.ts';

export interface WriteCoalescerOptions {
  /** Ops per batch; more wait for the next batch. */
  readonly maxBatchOps: number;
  /** Serialized ops per batch stay under this (the node's body limit, less the envelope). */
  readonly maxBatchBytes: number;
  readonly batchTimeoutMs: number;
  /** Batches in flight per node before writes wait for one to return. */
  readonly maxInFlight: number;
  /** Send batches on the node's batch stream; otherwise one POST /api/batch each. */
  readonly stream: boolean;
  /** False when `nodeId` is no longer where writes should go: its queue is sent back for rerouting. */
  readonly isLeader: (nodeId: string) => boolean;
  readonly onBatch?: (ops: number) => void;
  /** A batch got its answer (any status) after `seconds` on the wire and in the leader. */
  readonly onAnswer?: (seconds: number) => void;
}

interface Pending {
  readonly json: string;
  readonly resolve: (answer: NodeAnswer) => void;
  readonly reject: (err: unknown) => void;
}

interface NodeQueue {
  pending: Pending[];
  inFlight: number;
}

const envelopeBytes = '{"ops":[]}'.length;

/**
 * Coalesces concurrent client writes bound for the same leader into one batch (a line of the
 * node's batch stream, or one `POST /api/batch`).
 * No timer: a write is sent at once when no batch to that node is in flight, otherwise it
 * joins the next batch, sent the moment the current one returns. Batches grow with load and
 * cost no latency when idle. One batch in flight per node keeps the order of proposals equal
 * to the order of arrival, and bounds what a slow leader can hold.
 */
export class WriteCoalescer {
  private readonly queues = new Map<string, NodeQueue>();

  constructor(private readonly options: WriteCoalescerOptions) {}

  /** Resolves with the answer the single endpoint would have given; rejects when the batch got no answer. */
  submit(client: NodeClient, command: WriteCommand): Promise<NodeAnswer> {
    let queue = this.queues.get(client.id);
    if (!queue) { queue = { pending: [], inFlight: 0 }; this.queues.set(client.id, queue); }
    const json = JSON.stringify(command);
    const promise = new Promise<NodeAnswer>((resolve, reject) => queue.pending.push({ json, resolve, reject }));
    this.flush(client, queue);
    return promise;
  }

  private flush(client: NodeClient, queue: NodeQueue): void {
    if (queue.inFlight >= this.options.maxInFlight || queue.pending.length === 0) return;
    if (!this.options.isLeader(client.id)) {
      const stranded = queue.pending.splice(0);
      const err = new NodeUnavailableError(client.id, 'ABANDONED', `${client.id} is no longer the leader`, { notSent: true });
      for (const p of stranded) p.reject(err);
      return;
    }
    let bytes = envelopeBytes;
    let count = 0;
    // The first op always goes, even alone over the limit: the node's 413 then reaches its client.
    for (const p of queue.pending) {
      if (count > 0 && (count >= this.options.maxBatchOps || bytes + p.json.length + 1 > this.options.maxBatchBytes)) break;
      bytes += p.json.length + 1;
      count++;
    }
    const batch = queue.pending.splice(0, count);
    queue.inFlight++;
    this.options.onBatch?.(batch.length);
    const ops = `[${batch.map((p) => p.json).join(',')}]`;
    const sentMs = performance.now();
    // A lone op over the byte limit goes as its own request: the node's 413 then answers it,
    // where on the stream an over-limit line would end the stream for every batch.
    const answered = this.options.stream && bytes <= this.options.maxBatchBytes
      ? client.batch(ops, this.options.batchTimeoutMs)
      : client.request('POST', '/api/batch', `{"ops":${ops}}`, this.options.batchTimeoutMs, true);
    answered
      .then((answer) => {
        this.options.onAnswer?.((performance.now() - sentMs) / 1000);
        deliver(batch, answer);
      }, (err: unknown) => { for (const p of batch) p.reject(err); })
      .finally(() => { queue.inFlight--; this.flush(client, queue); });
  }

  /** Ops queued or in flight, for tests and shutdown. */
  queued(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.pending.length;
    return n;
  }
}

function deliver(batch: readonly Pending[], answer: NodeAnswer): void {
  const results = (answer.body as { results?: unknown } | null)?.results;
  if (answer.status !== 200) {
    // A batch-level refusal (421 NOT_LEADER, 503, 504, 413) is the answer to each of its ops.
    for (const p of batch) p.resolve(answer);
    return;
  }
  if (!Array.isArray(results) || results.length !== batch.length) {
    const bad: NodeAnswer = { status: 502, body: { error: 'batch answer does not have one result per op', code: 'BAD_NODE_ANSWER' } };
    for (const p of batch) p.resolve(bad);
    return;
  }
  batch.forEach((p, i) => {
    const r = results[i] as { status?: unknown; body?: unknown } | null;
    if (r === null || typeof r !== 'object' || typeof r.status !== 'number') {
      p.resolve({ status: 502, body: { error: `batch result ${i} has no status`, code: 'BAD_NODE_ANSWER' } });
    } else {
      p.resolve({ status: r.status, body: r.body ?? null });
    }
  });
}
