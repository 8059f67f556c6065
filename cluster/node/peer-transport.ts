import { Client } from 'undici';
import type { Message, NodeId } from '../raft/messages.ts';
import type { NodeMetrics } from './node-metrics.ts';

export interface PeerTransportOptions {
  readonly self: NodeId;
  /** Sent with every batch; the receiver refuses batches from another cluster. */
  readonly clusterId: string;
  /** Where this node reaches each peer (directly, or through that link's proxy). */
  readonly peerUrls: ReadonlyMap<NodeId, string>;
  readonly metrics: NodeMetrics;
  /** A batch not answered within this is dropped: Raft retransmits, and a stalled link must not pile up. */
  readonly requestTimeoutMs?: number;
  /** Messages queued for one peer beyond this are dropped oldest-first (a paused peer). */
  readonly queueMessagesMax?: number;
}

interface PeerLink {
  readonly id: NodeId;
  readonly client: Client;
  queue: Message[];
  inflight: number;
}

/**
 * Fire-and-forget delivery of Raft messages to peers: each directed link carries only its
 * sender's messages as `POST /raft/messages` batches, answered by an empty 204. Replies travel
 * as the other node's own requests on its own link, so cutting one directed link (a grudge)
 * cuts exactly one direction of Raft traffic.
 *
 * One keep-alive connection per peer with HTTP pipelining keeps batches in order on the wire;
 * while batches are in flight, new messages queue and leave together as the next batch.
 */
export class PeerTransport {
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly inflightMax = 2;
  private readonly queueMax: number;
  private closed = false;

  constructor(private readonly o: PeerTransportOptions) {
    this.queueMax = o.queueMessagesMax ?? 4096;
    const timeout = o.requestTimeoutMs ?? 2000;
    for (const [id, url] of o.peerUrls) {
      this.links.set(id, {
        id,
        client: new Client(url, { pipelining: this.inflightMax, headersTimeout: timeout, bodyTimeout: timeout, keepAliveTimeout: 30_000 }),
        queue: [],
        inflight: 0,
      });
    }
  }

  send(messages: readonly Message[]): void {
    if (this.closed) return;
    for (const m of messages) {
      const link = this.links.get(m.to);
      if (!link) continue;
      if (m.type === 'heartbeat') this.o.metrics.heartbeatTotal.inc();
      link.queue.push(m);
      if (link.queue.length > this.queueMax) link.queue.splice(0, link.queue.length - this.queueMax);
    }
    for (const link of this.links.values()) this.pump(link);
  }

  private pump(link: PeerLink): void {
    while (link.inflight < this.inflightMax && link.queue.length > 0 && !this.closed) {
      const batch = link.queue;
      link.queue = [];
      link.inflight++;
      const t0 = performance.now();
      const heartbeats = batch.reduce((n, m) => n + (m.type === 'heartbeat' ? 1 : 0), 0);
      link.client.request({
        path: '/raft/messages', method: 'POST',
        headers: { 'content-type': 'application/json', 'x-raft-from': this.o.self, 'x-raft-cluster': this.o.clusterId },
        body: JSON.stringify(batch),
      }).then(async (res) => {
        await res.body.dump();
        if (res.statusCode !== 204) throw new Error(`peer answered ${res.statusCode}`);
        this.o.metrics.appendRpcSeconds.observe({ peer: link.id }, (performance.now() - t0) / 1000);
        if (heartbeats) this.o.metrics.heartbeatSuccess.inc(heartbeats);
      }).catch(() => {
        // Dropped: the core retransmits on its own schedule (heartbeats, probes, retries).
        this.o.metrics.peerSendErrors.inc({ peer: link.id });
      }).finally(() => {
        link.inflight--;
        this.pump(link);
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.links.values()].map((l) => l.client.destroy().catch(() => undefined)));
  }
}
