import type { ClientRequest, IncomingMessage } from 'node:http';
import { authHeader, requestFor } from '../common/client-credentials.ts';
import { LineSplitter } from '../http/line-splitter.ts';
import { NodeUnavailableError } from './errors.ts';
import type { NodeAnswer } from './node-client.ts';

/** The node's path for it (cluster/node/batch-stream.ts has the protocol). */
const batchStreamPath = '/api/batch-stream';

/** An answer line holds one batch's results: bounded like the stream's batches, with room. */
const answerLineCharsMax = 64 * 1024 * 1024;

interface PendingBatch {
  readonly resolve: (answer: NodeAnswer) => void;
  readonly reject: (err: NodeUnavailableError) => void;
  readonly timer: NodeJS.Timeout;
}

interface Stream {
  readonly req: ClientRequest;
  readonly pending: Map<number, PendingBatch>;
  /** A connection was made: from here on, a failure may come after the node got a batch. */
  connected: boolean;
}

/**
 * The gateway's end of one node's batch stream: batches go out as lines of one long-lived
 * `POST /api/batch-stream` and their answers come back as lines, matched by id. One stream per
 * node, opened on the first batch and again after any failure. When the stream fails, every
 * batch on it is unanswered and its outcome unknown (NodeUnavailableError), as when a
 * connection of the per-request pool is reset; only a stream that never connected is "not sent".
 */
export class BatchLink {
  private stream: Stream | null = null;
  private nextId = 1;
  private readonly url: URL;

  constructor(private readonly nodeId: string, url: string, private readonly headers: Record<string, string>) {
    this.url = new URL(url);
  }

  /** Sends `{"ops": opsJson}` as one batch; resolves with the node's answer to it. */
  send(opsJson: string, timeoutMs: number): Promise<NodeAnswer> {
    const stream = this.stream ?? this.open();
    const id = this.nextId++;
    return new Promise<NodeAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        // One batch unanswered this long means a stalled link: the stream and what it holds go.
        this.fail(stream, (connected) => new NodeUnavailableError(this.nodeId, 'NODE_TIMEOUT', `${this.nodeId} did not answer within ${timeoutMs} ms`, { notSent: !connected }));
      }, Math.max(1, timeoutMs));
      stream.pending.set(id, { resolve, reject, timer });
      stream.req.write(`{"id":${id},"ops":${opsJson}}\n`);
    });
  }

  /** Batches in flight stop waiting (a leader change); their answers, if any come, are dropped. */
  abandon(): void {
    const stream = this.stream;
    if (!stream) return;
    const err = new NodeUnavailableError(this.nodeId, 'ABANDONED', `call to ${this.nodeId} abandoned: leader changed`);
    settleAll(stream, (p) => p.reject(err));
  }

  close(): void {
    if (this.stream) this.fail(this.stream, () => new NodeUnavailableError(this.nodeId, 'ABANDONED', `link to ${this.nodeId} closed`));
  }

  private open(): Stream {
    const { request, tls } = requestFor(this.url);
    const req = request({
      ...tls, host: this.url.hostname, port: this.url.port, path: batchStreamPath, method: 'POST', agent: false,
      headers: { 'content-type': 'application/x-ndjson', ...this.headers, ...authHeader(this.url) },
    });
    req.setNoDelay(true);
    const stream: Stream = { req, pending: new Map(), connected: false };
    this.stream = stream;
    req.on('socket', (socket) => socket.once('connect', () => { stream.connected = true; }));
    req.on('response', (res) => this.readAnswers(stream, res));
    const unreachable = (err?: Error) => (connected: boolean) => new NodeUnavailableError(
      this.nodeId, 'NODE_UNREACHABLE', `${this.nodeId} unreachable: ${err?.message ?? 'batch stream closed'}`, { cause: err, notSent: !connected });
    req.on('error', (err) => this.fail(stream, unreachable(err)));
    req.on('close', () => this.fail(stream, unreachable()));
    req.flushHeaders();
    return stream;
  }

  private readAnswers(stream: Stream, res: IncomingMessage): void {
    res.setEncoding('utf8');
    if (res.statusCode !== 200) {
      // A refusal of the whole stream (409 another cluster, 404 an older node) is the answer to each batch.
      let text = '';
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => {
        const answer: NodeAnswer = { status: res.statusCode ?? 502, body: parseOr(text, { error: `node ${this.nodeId} answered ${res.statusCode} to the batch stream`, code: 'BAD_NODE_ANSWER' }) };
        settleAll(stream, (p) => p.resolve(answer));
        this.fail(stream, () => new NodeUnavailableError(this.nodeId, 'NODE_UNREACHABLE', `${this.nodeId} refused the batch stream`));
      });
      return;
    }
    const lines = new LineSplitter(answerLineCharsMax);
    res.on('data', (chunk: string) => {
      const got = lines.push(chunk);
      for (const line of got.lines) {
        const a = parseOr(line, null) as { id?: unknown; status?: unknown; body?: unknown; error?: unknown } | null;
        if (a === null || typeof a.id !== 'number' || typeof a.status !== 'number') {
          const why = typeof a?.error === 'string' ? a.error : 'an answer line the gateway cannot read';
          this.fail(stream, () => new NodeUnavailableError(this.nodeId, 'NODE_UNREACHABLE', `${this.nodeId} ended the batch stream: ${why}`));
          return;
        }
        const p = stream.pending.get(a.id);
        if (!p) continue; // abandoned or timed out: nobody waits for it
        stream.pending.delete(a.id);
        clearTimeout(p.timer);
        p.resolve({ status: a.status, body: a.body ?? null });
      }
      if (got.overLimit) this.fail(stream, () => new NodeUnavailableError(this.nodeId, 'NODE_UNREACHABLE', `${this.nodeId} sent an answer line over ${answerLineCharsMax} characters`));
    });
    res.on('error', () => undefined);
  }

  /** Ends `stream` (once) and rejects what it still holds with `error(connected)`. */
  private fail(stream: Stream, error: (connected: boolean) => NodeUnavailableError): void {
    if (this.stream === stream) this.stream = null;
    if (stream.pending.size > 0) {
      const err = error(stream.connected);
      settleAll(stream, (p) => p.reject(err));
    }
    stream.req.destroy();
  }
}

/** Every batch still waiting on `stream` gets `settle`, and nothing waits any more. */
function settleAll(stream: Stream, settle: (p: PendingBatch) => void): void {
  for (const p of stream.pending.values()) { clearTimeout(p.timer); settle(p); }
  stream.pending.clear();
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return text === '' ? fallback : JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}
