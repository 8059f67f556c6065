import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPlainJsonRequest, readJsonBody, sendJson } from '../http/json-body.ts';
import { batchBody, batchOpToCommand, parseOr400 } from './client-schemas.ts';
import { refuseOtherCluster } from './cluster-check.ts';
import { bodyTooLarge, malformedJson, NodeError } from './errors.ts';
import type { RaftHost } from './raft-host.ts';

export const batchPath = '/api/batch';

type BatchResult = { readonly status: number; readonly body: unknown };

/**
 * The gateway's coalesced writes: all ops go into one Raft batch (one append, one fsync), and
 * each op gets the answer its single-op endpoint would have given. Throws NodeError for the
 * batch as a whole (bad body, not the leader).
 */
export async function answerBatch(host: RaftHost, requireLeader: () => void, raw: unknown): Promise<{ results: BatchResult[] }> {
  const body = parseOr400(batchBody, raw);
  requireLeader();
  const settled = await Promise.allSettled(host.propose(body.ops.map(batchOpToCommand)));
  const results = settled.map((s, i): BatchResult => {
    if (s.status === 'rejected') {
      const e = s.reason instanceof NodeError ? s.reason : new NodeError('TIMEOUT', String(s.reason));
      return { status: e.status, body: e.body() };
    }
    const out = s.value;
    const op = body.ops[i]!;
    const result = out.result!;
    if (op.op === 'append' && result.op === 'append') return { status: 200, body: { success: true, entryId: result.entryId, leader: host.id, duplicate: out.duplicate } };
    if (result.op === 'put') return { status: 200, body: { success: true, value: result.value, index: out.index, duplicate: out.duplicate } };
    if (result.op === 'cas') return { status: 200, body: { success: result.success, value: result.value, index: out.index, duplicate: out.duplicate } };
    return { status: 200, body: { success: true, index: out.index, duplicate: out.duplicate } };
  });
  return { results };
}

export interface BatchRouteDeps {
  readonly host: RaftHost;
  readonly clusterId: string;
  readonly bodyLimitBytes: number;
  readonly requireLeader: () => void;
  /** The answer to an error: a NodeError's own, or 500 for a bug (which the node audits). */
  readonly answerError: (err: unknown) => BatchResult;
}

/**
 * `POST /api/batch` with a plain JSON body, served without Express: it carries every write the
 * gateway forwards (../http/json-body.ts says why). False when the request is not one this
 * takes; Express then serves it, with the same answers (client-api.ts).
 */
export function serveBatch(req: IncomingMessage, res: ServerResponse, deps: BatchRouteDeps): boolean {
  if (req.method !== 'POST' || req.url !== batchPath || !isPlainJsonRequest(req)) return false;
  void (async () => {
    if (refuseOtherCluster(req, res, deps.clusterId)) return;
    const body = await readJsonBody(req, deps.bodyLimitBytes);
    if (body.kind === 'aborted') return;
    let answer: BatchResult;
    try {
      if (body.kind === 'too-large') {
        res.shouldKeepAlive = false;
        throw bodyTooLarge(deps.bodyLimitBytes);
      }
      if (body.kind === 'bad-json') throw malformedJson(body.message);
      answer = { status: 200, body: await answerBatch(deps.host, deps.requireLeader, body.value) };
    } catch (err) {
      answer = deps.answerError(err);
    }
    if (!res.headersSent && !res.destroyed) sendJson(res, answer.status, answer.body);
  })();
  return true;
}
