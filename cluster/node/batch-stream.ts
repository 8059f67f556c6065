// POST /api/batch-stream: the gateway's coalesced writes on one long-lived request per
// gateway->node link, in place of one POST /api/batch per batch. The request body is lines
// `{"id":N,"ops":[...]}`; the response (200, sent at once) is one line per batch
// `{"id":N,"status":S,"body":B}`, where S and B are what POST /api/batch would have answered,
// written as each batch's answer is ready. A line that is not JSON, has no integer id or is
// over the body limit ends the stream with one final line {error, code}. A sender that ends
// its body gets the answers still owed, then the end of the response.
//
// Why: a request per batch cost both sides a request's CPU (docs/perf/2026-11-27-write-path-costs.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { endStreamWithError } from '../http/end-stream.ts';
import { LineSplitter } from '../http/line-splitter.ts';
import { answerBatch, type BatchRouteDeps } from './batch-route.ts';
import { refuseOtherCluster } from './cluster-check.ts';

export const batchStreamPath = '/api/batch-stream';

/** Room for the line's `{"id":N,` envelope around a body the size of a /api/batch limit. */
const envelopeChars = 64;

export function handleBatchStream(req: IncomingMessage, res: ServerResponse, deps: BatchRouteDeps): void {
  if (refuseOtherCluster(req, res, deps.clusterId)) return;
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  res.flushHeaders();
  req.setEncoding('utf8');
  const lines = new LineSplitter(deps.bodyLimitBytes + envelopeChars);
  let failed = false;
  /** Batches read and not yet answered; a sender that ends its body still gets their answers. */
  let outstanding = 0;
  let ended = false;

  const fail = (error: string, code: string): void => {
    failed = true;
    endStreamWithError(req, res, error, code);
  };
  const answer = async (id: number, ops: unknown): Promise<void> => {
    let status = 200;
    let body: unknown;
    try {
      body = await answerBatch(deps.host, deps.requireLeader, { ops });
    } catch (err) {
      ({ status, body } = deps.answerError(err));
    }
    outstanding--;
    if (res.writableEnded || res.destroyed) return;
    res.write(`${JSON.stringify({ id, status, body })}\n`);
    if (ended && outstanding === 0) res.end();
  };

  req.on('data', (chunk: string) => {
    if (failed) return;
    const got = lines.push(chunk);
    for (const line of got.lines) {
      let parsed: { id?: unknown; ops?: unknown };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch (err) {
        return fail(`malformed JSON: ${(err as Error).message}`, 'BAD_REQUEST');
      }
      const id = parsed?.id;
      if (typeof id !== 'number' || !Number.isSafeInteger(id)) return fail('a batch line needs an integer "id"', 'BAD_REQUEST');
      outstanding++;
      void answer(id, parsed.ops);
    }
    if (got.overLimit) fail(`batch over ${deps.bodyLimitBytes} bytes`, 'PAYLOAD_TOO_LARGE');
  });
  req.on('error', () => undefined);
  req.on('end', () => {
    ended = true;
    if (outstanding === 0 && !res.writableEnded) res.end();
  });
}
