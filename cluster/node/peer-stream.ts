// The receiving end of the peer links. Both handlers bypass Express: they carry every heartbeat
// and append, and a plain handler costs a fraction of Express's per-request CPU here (about
// 70 µs vs 300 µs).
//
//   POST /raft/stream    what peers use (peer-transport.ts): a chunked body of JSON batches, one
//                        per line, answered at once with 200 and then, at most every
//                        ackDelayMs, a line with the count of batches received so far. A bad
//                        line ends the stream with one JSON line {error, code}.
//   POST /raft/messages  one batch per request, answered 204: for tools and tests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Message } from '../raft/messages.ts';
import { endStreamWithError } from '../http/end-stream.ts';
import { LineSplitter } from '../http/line-splitter.ts';
import { checkMessages, type PeerView } from './peer-message-check.ts';

export const peerStreamPath = '/raft/stream';
export const peerMessagesPath = '/raft/messages';

export interface PeerReceiverDeps {
  readonly clusterId: string;
  readonly selfId: string;
  /** Largest batch (a line of the stream, or a request body); snapshots travel as messages. */
  readonly peerBodyLimitBytes: number;
  readonly step: (messages: Message[]) => void;
  /** How long a stream may owe its sender an acknowledgement. */
  readonly ackDelayMs?: number;
  /** The node's state, for checks beyond a message's shape (peer-message-check.ts). */
  readonly view?: PeerView;
  /** A refused batch or stream: logged and counted by the node; the node itself goes on. */
  readonly onRefused?: (reason: string, code: string, from: string | null) => void;
}

/**
 * Steps a checked batch. Any exception is the message's fault as far as the node is concerned:
 * refused, not a crash (one hostile or buggy peer must not take a node down).
 */
function stepSafely(deps: PeerReceiverDeps, messages: Message[]): string | null {
  try {
    deps.step(messages);
    return null;
  } catch (err) {
    return `stepping the batch failed: ${(err as Error).message ?? String(err)}`;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const fromOf = (req: IncomingMessage): string | null => {
  const from = req.headers['x-raft-from'];
  return typeof from === 'string' ? from : null;
};

/** Peers always name their cluster: a stream or batch without it, or from another cluster, is refused. */
function refuseForeign(req: IncomingMessage, res: ServerResponse, deps: PeerReceiverDeps): boolean {
  const cluster = req.headers['x-raft-cluster'];
  if (cluster === deps.clusterId) return false;
  req.resume();
  sendJson(res, 409, { error: `peer batch for cluster ${String(cluster ?? '(none)')}, this node is in cluster ${deps.clusterId}`, code: 'CLUSTER_MISMATCH' });
  return true;
}

/** A batch's text -> its messages, or a problem with its code. */
function parseBatch(text: string, selfId: string, view?: PeerView): { messages: Message[] } | { error: string; code: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { error: `malformed JSON: ${(err as Error).message}`, code: 'BAD_MESSAGE' };
  }
  const problem = checkMessages(parsed, selfId, view);
  return problem ? { error: problem, code: 'BAD_MESSAGE' } : { messages: parsed as Message[] };
}

export function handlePeerStream(req: IncomingMessage, res: ServerResponse, deps: PeerReceiverDeps): void {
  if (refuseForeign(req, res, deps)) return;
  const ackDelayMs = deps.ackDelayMs ?? 100;
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.flushHeaders();
  req.setEncoding('utf8');
  const lines = new LineSplitter(deps.peerBodyLimitBytes);
  let received = 0;
  let acked = 0;
  let ackTimer: NodeJS.Timeout | null = null;
  let failed = false;

  const fail = (error: string, code: string): void => {
    failed = true;
    deps.onRefused?.(error, code, fromOf(req));
    if (ackTimer) clearTimeout(ackTimer);
    endStreamWithError(req, res, error, code);
  };
  const ack = (): void => {
    ackTimer = null;
    acked = received;
    if (!res.writableEnded) res.write(`${received}\n`);
  };

  req.on('data', (chunk: string) => {
    if (failed) return;
    const got = lines.push(chunk);
    for (const line of got.lines) {
      const batch = parseBatch(line, deps.selfId, deps.view);
      if ('error' in batch) return fail(batch.error, batch.code);
      received++;
      const stepProblem = stepSafely(deps, batch.messages);
      if (stepProblem !== null) return fail(stepProblem, 'STEP_FAILED');
    }
    if (got.overLimit) return fail(`peer batch over ${deps.peerBodyLimitBytes} bytes`, 'PAYLOAD_TOO_LARGE');
    if (ackTimer === null && received > acked) ackTimer = setTimeout(ack, ackDelayMs);
  });
  req.on('error', () => undefined);
  req.on('close', () => {
    if (ackTimer) clearTimeout(ackTimer);
    ackTimer = null;
    if (!res.writableEnded) res.end();
  });
}

export function handlePeerMessages(req: IncomingMessage, res: ServerResponse, deps: PeerReceiverDeps): void {
  if (refuseForeign(req, res, deps)) return;
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > deps.peerBodyLimitBytes) tooLarge = true;
    else chunks.push(c);
  });
  req.on('error', () => undefined);
  req.on('end', () => {
    const refuse = (status: number, error: string, code: string) => {
      deps.onRefused?.(error, code, fromOf(req));
      sendJson(res, status, { error, code });
    };
    if (tooLarge) return refuse(413, `peer batch over ${deps.peerBodyLimitBytes} bytes`, 'PAYLOAD_TOO_LARGE');
    const batch = parseBatch(Buffer.concat(chunks).toString('utf8'), deps.selfId, deps.view);
    if ('error' in batch) return refuse(400, batch.error, batch.code);
    const stepProblem = stepSafely(deps, batch.messages);
    if (stepProblem !== null) return refuse(400, stepProblem, 'STEP_FAILED');
    res.writeHead(204);
    res.end();
  });
}
