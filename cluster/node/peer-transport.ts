import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as tlsRequest } from 'node:https';
import type { TlsMaterial } from '../http/tls-or-plain-server.ts';
import type { Message, NodeId } from '../raft/messages.ts';
import type { NodeMetrics } from './node-metrics.ts';
import { peerStreamPath } from './peer-stream.ts';

export interface PeerTransportOptions {
  readonly self: NodeId;
  /** Sent when a stream opens; the receiver refuses a stream from another cluster. */
  readonly clusterId: string;
  /** Where this node reaches each peer (directly, or through that link's proxy). */
  readonly peerUrls: ReadonlyMap<NodeId, string>;
  readonly metrics: NodeMetrics;
  /** Batches written but not acknowledged for this long mean a stalled link: the stream is reset. */
  readonly ackTimeoutMs?: number;
  /** Bytes a stream may hold unsent (a stalled or paused peer) before new batches are dropped. */
  readonly bufferedBytesMax?: number;
  /** Wait after a failed stream before opening the next, so a dead peer is not dialled in a loop. */
  readonly reconnectDelayMs?: number;
  readonly clock?: () => number;
  /**
   * This node's certificate and the cluster CA: every stream is TLS, presents the certificate,
   * and accepts only a server certificate the CA signed for the peer it dials (its id is the
   * TLS server name, also through a proxy link, which passes TLS through untouched).
   */
  readonly tls?: TlsMaterial | null;
}

interface SentBatch { readonly seq: number; readonly atMs: number; readonly heartbeats: number }

interface PeerStream {
  readonly req: ClientRequest;
  sentSeq: number;
  /** Batches written and not yet acknowledged, oldest first. */
  unacked: SentBatch[];
}

interface PeerLink {
  readonly id: NodeId;
  readonly url: URL;
  stream: PeerStream | null;
  retryAtMs: number;
}

/**
 * Raft messages to peers over one long-lived HTTP stream per directed link, after etcd's
 * rafthttp stream: `POST /raft/stream` with a chunked body of newline-separated JSON batches.
 * Each link carries only its sender's messages (replies travel on the other node's own stream),
 * so cutting one directed link (a grudge) cuts exactly one direction of Raft traffic.
 *
 * Why not one POST per batch (the first design): every batch then cost the receiver a 204
 * response, a socket write that on this VM is as dear as the request itself. Profiled at 500
 * writes/s, those 204s were 15% of the leader's CPU. The receiver now acknowledges the count of
 * batches at most every ackDelayMs on the response; acks confirm delivery (heartbeat success)
 * and drive the stall detector, never the Raft protocol, which retransmits on its own schedule.
 */
export class PeerTransport {
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly ackTimeoutMs: number;
  private readonly bufferedBytesMax: number;
  private readonly reconnectDelayMs: number;
  private readonly clock: () => number;
  private readonly watchdog: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly o: PeerTransportOptions) {
    this.ackTimeoutMs = o.ackTimeoutMs ?? 2000;
    this.bufferedBytesMax = o.bufferedBytesMax ?? 8 * 1024 * 1024;
    this.reconnectDelayMs = o.reconnectDelayMs ?? 50;
    this.clock = o.clock ?? (() => performance.now());
    for (const [id, url] of o.peerUrls) this.links.set(id, { id, url: new URL(url), stream: null, retryAtMs: 0 });
    this.watchdog = setInterval(() => this.checkStalls(), Math.max(10, Math.floor(this.ackTimeoutMs / 4)));
    this.watchdog.unref();
  }

  send(messages: readonly Message[]): void {
    if (this.closed) return;
    const byPeer = new Map<PeerLink, Message[]>();
    for (const m of messages) {
      const link = this.links.get(m.to);
      if (!link) continue;
      if (m.type === 'heartbeat') this.o.metrics.heartbeatTotal.inc();
      const list = byPeer.get(link);
      if (list) list.push(m);
      else byPeer.set(link, [m]);
    }
    for (const [link, batch] of byPeer) this.write(link, batch);
  }

  private write(link: PeerLink, batch: Message[]): void {
    const stream = link.stream ?? this.open(link);
    // No stream (waiting to redial) or a full buffer: drop, Raft retransmits what matters.
    if (!stream || stream.req.writableLength > this.bufferedBytesMax) {
      this.o.metrics.peerSendErrors.inc({ peer: link.id });
      return;
    }
    const heartbeats = batch.reduce((n, m) => n + (m.type === 'heartbeat' ? 1 : 0), 0);
    stream.unacked.push({ seq: ++stream.sentSeq, atMs: this.clock(), heartbeats });
    stream.req.write(`${JSON.stringify(batch)}\n`);
    // Node's HTTP client corks the socket until the next tick, and in the Raft loop that tick
    // comes after the loop's synchronous fdatasync: a leader's early append would leave only
    // once its own write was done. Uncorked here, the bytes reach the kernel now.
    const socket = stream.req.socket;
    if (socket !== null && socket.writableCorked > 0) socket.uncork();
  }

  private open(link: PeerLink): PeerStream | null {
    if (this.clock() < link.retryAtMs) return null;
    const options = {
      host: link.url.hostname, port: link.url.port, path: peerStreamPath, method: 'POST', agent: false,
      headers: { 'content-type': 'application/x-ndjson', 'x-raft-from': this.o.self, 'x-raft-cluster': this.o.clusterId },
    } as const;
    const tls = this.o.tls;
    const req = tls ? tlsRequest({ ...options, ca: tls.ca, cert: tls.cert, key: tls.key, servername: link.id, minVersion: 'TLSv1.2' }) : request(options);
    req.setNoDelay(true);
    const stream: PeerStream = { req, sentSeq: 0, unacked: [] };
    link.stream = stream;
    req.on('response', (res: IncomingMessage) => this.readAcks(link, stream, res));
    req.on('error', () => this.reset(link, stream));
    req.on('close', () => this.reset(link, stream));
    req.flushHeaders();
    return stream;
  }

  /** Lines on the response: a cumulative count of batches received, or one final JSON error. */
  private readAcks(link: PeerLink, stream: PeerStream, res: IncomingMessage): void {
    if (res.statusCode !== 200) {
      res.resume();
      this.reset(link, stream);
      return;
    }
    res.setEncoding('utf8');
    let partial = '';
    res.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const count = Number(line);
        if (line === '' || !Number.isSafeInteger(count)) { this.reset(link, stream); return; }
        this.acknowledge(stream, count);
      }
    });
    res.on('error', () => this.reset(link, stream));
  }

  private acknowledge(stream: PeerStream, count: number): void {
    let heartbeats = 0;
    let n = 0;
    while (n < stream.unacked.length && stream.unacked[n]!.seq <= count) heartbeats += stream.unacked[n++]!.heartbeats;
    if (n > 0) stream.unacked.splice(0, n);
    if (heartbeats > 0) this.o.metrics.heartbeatSuccess.inc(heartbeats);
  }

  /** The stream ended or stalled: what it held unacknowledged is counted lost; redial later. */
  private reset(link: PeerLink, stream: PeerStream): void {
    if (link.stream !== stream) return;
    link.stream = null;
    link.retryAtMs = this.clock() + this.reconnectDelayMs;
    if (stream.unacked.length > 0) this.o.metrics.peerSendErrors.inc({ peer: link.id }, stream.unacked.length);
    stream.unacked = [];
    stream.req.destroy();
  }

  private checkStalls(): void {
    const now = this.clock();
    for (const link of this.links.values()) {
      const s = link.stream;
      if (s && s.unacked.length > 0 && now - s.unacked[0]!.atMs > this.ackTimeoutMs) this.reset(link, s);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    for (const link of this.links.values()) if (link.stream) this.reset(link, link.stream);
  }
}
