import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { isPlainJsonRequest, readJsonBody } from '../http/json-body.ts';
import { sendError, sendForwarded } from './answers.ts';
import { bodyNotJson, bodyTooLarge } from './errors.ts';
import type { Forwarder } from './forwarder.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { RequestIds } from './request-ids.ts';
import { appendCommand, putCommand } from './request-schemas.ts';

export interface WriteRoutesDeps {
  readonly bodyLimitBytes: number;
  readonly forwarder: Forwarder;
  readonly metrics: GatewayMetrics;
  readonly ids: RequestIds;
}

type HotRoute = { readonly route: 'write' } | { readonly route: 'kv_put'; readonly key: string };

const kvPrefix = '/api/kv/';
/** Escapes, further segments and queries: Express decodes and routes those. */
const notPlainKey = /[/?#%]/;

function hotRoute(req: IncomingMessage): HotRoute | null {
  const url = req.url ?? '';
  if (req.method === 'POST' && url === '/api/write') return isPlainJsonRequest(req) ? { route: 'write' } : null;
  if (req.method !== 'PUT' || !url.startsWith(kvPrefix)) return null;
  const key = url.slice(kvPrefix.length);
  return key !== '' && !notPlainKey.test(key) && isPlainJsonRequest(req) ? { route: 'kv_put', key } : null;
}

/**
 * The gateway's server: `POST /api/write` and `PUT /api/kv/:key` with a plain JSON body are
 * served here, every other request by the Express app. These two carry the load, and without
 * Express's router and body-parser the gateway spends less CPU per write (json-body.ts has the
 * figures). Same validation, ids, forwarding, metrics and answers as the Express routes in
 * app.ts, which still take what this does not (odd content types, escaped keys).
 */
export function gatewayRequestListener(deps: WriteRoutesDeps, app: RequestListener): RequestListener {
  return (req, res) => {
    const hot = hotRoute(req);
    if (hot === null) {
      app(req, res);
      return;
    }
    deps.metrics.track(req, res, () => hot.route);
    void serveWrite(deps, hot, req, res);
  };
}

async function serveWrite(deps: WriteRoutesDeps, hot: HotRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJsonBody(req, deps.bodyLimitBytes);
  if (body.kind === 'aborted') return;
  try {
    // The rest of an over-limit body is unread: the connection cannot carry another request.
    if (body.kind === 'too-large') { res.shouldKeepAlive = false; throw bodyTooLarge(); }
    // body-parser's strict mode: only an object or array is JSON a route may read.
    if (body.kind === 'bad-json' || typeof body.value !== 'object' || body.value === null) throw bodyNotJson();
    const command = hot.route === 'write' ? appendCommand(body.value, deps.ids) : putCommand(hot.key, body.value, deps.ids);
    sendForwarded(res, await deps.forwarder.forward({ kind: 'write', command }));
  } catch (err) {
    sendError(res, err);
  }
}
