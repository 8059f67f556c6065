// Reading a JSON request body without Express, for the few routes that carry the load (the
// gateway's writes, the leader's batches). Profiled at 500 writes/s, Express's router and
// body-parser took about 300 µs of CPU per request on this VM and a plain handler about 70 µs
// (the same finding as the peer stream's, peer-stream.ts). Only requests body-parser would
// read exactly this way are taken: plain JSON, UTF-8, no content-encoding. Anything else
// goes on to Express, so its answers stay the ones the Express app gives.
import type { IncomingMessage, ServerResponse } from 'node:http';

const plainJsonType = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;

/**
 * True when body-parser's `json()` would read this request's body as plain UTF-8 JSON. A request
 * without a body is not taken: body-parser leaves `req.body` unset then, and Express's routes
 * say what that means.
 */
export function isPlainJsonRequest(req: IncomingMessage): boolean {
  const h = req.headers;
  const type = h['content-type'];
  const encoding = h['content-encoding'];
  const hasBody = h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0');
  return hasBody && type !== undefined && plainJsonType.test(type) && (encoding === undefined || encoding.toLowerCase() === 'identity');
}

export type JsonBody =
  | { readonly kind: 'ok'; readonly value: unknown }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'bad-json'; readonly message: string }
  /** The client went away before the body ended: there is no one to answer. */
  | { readonly kind: 'aborted' };

/**
 * The body parsed as JSON; an empty body is `{}` (body-parser's rule). Over `limitBytes` the
 * rest is not buffered and the answer may go out at once (the caller closes the connection).
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<JsonBody> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > limitBytes) {
      req.resume();
      resolve({ kind: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (body: JsonBody): void => {
      if (done) return;
      done = true;
      resolve(body);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        chunks.length = 0;
        finish({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => finish({ kind: 'aborted' }));
    req.on('close', () => { if (!req.complete) finish({ kind: 'aborted' }); });
    req.on('end', () => {
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') { finish({ kind: 'ok', value: {} }); return; }
      try {
        finish({ kind: 'ok', value: JSON.parse(text) as unknown });
      } catch (err) {
        finish({ kind: 'bad-json', message: (err as Error).message });
      }
    });
  });
}

/** One JSON answer, written with the headers Express's `res.json` would set. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body) ?? 'null';
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
