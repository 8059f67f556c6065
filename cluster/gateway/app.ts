import express, { type NextFunction, type Request, type Response } from 'express';
import type { ClusterConfig } from '../config.ts';
import { sendError, sendForwarded } from './answers.ts';
import { GatewayError } from './errors.ts';
import type { Forwarder } from './forwarder.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import { gatewayStatus } from './gateway-status.ts';
import type { LeaderTracker } from './leader-tracker.ts';
import type { NodeClient } from './node-client.ts';
import type { RequestIds } from './request-ids.ts';
import { appendCommand, casBody, entryId, kvKey, parseOr400, putCommand, staleQuery } from './request-schemas.ts';
import type { WriteCommand } from './write-command.ts';

export interface GatewayAppDeps {
  readonly config: ClusterConfig;
  readonly tracker: LeaderTracker;
  readonly clients: ReadonlyMap<string, NodeClient>;
  readonly forwarder: Forwarder;
  readonly metrics: GatewayMetrics;
  readonly ids: RequestIds;
}

function param(req: Request, name: string): string {
  const v = (req.params as Record<string, string | undefined>)[name];
  return v ?? '';
}

/** The route label for metrics is set by the matched route, so paths with ids stay one series. */
function label(route: string) {
  return (_req: Request, res: Response, next: NextFunction): void => { res.locals.route = route; next(); };
}

export function createGatewayApp(deps: GatewayAppDeps): express.Express {
  const { config, tracker, clients, forwarder, metrics, ids } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // hashing every answer costs CPU and buys nothing for an API

  app.use((req, res, next) => {
    metrics.track(req, res, () => (res.locals.route as string | undefined) ?? 'unmatched');
    next();
  });
  app.use(express.json({ limit: config.http.bodyLimitBytes }));

  app.get('/healthz', label('healthz'), (_req, res) => {
    res.json({ ok: true, leaderId: tracker.current()?.id ?? null });
  });

  app.get('/metrics', label('metrics'), async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.get('/api/status', label('status'), (_req, res) => {
    res.json(gatewayStatus(config, tracker, clients));
  });

  const write = async (res: Response, command: WriteCommand): Promise<void> => {
    sendForwarded(res, await forwarder.forward({ kind: 'write', command }));
  };

  app.post('/api/write', label('write'), async (req, res) => {
    await write(res, appendCommand(req.body, ids));
  });

  app.get('/api/entries/:id', label('entry'), async (req, res) => {
    const id = parseOr400(entryId, param(req, 'id'));
    sendForwarded(res, await forwarder.forward({ kind: 'read', path: `/api/entries/${id}`, stale: false }));
  });

  app.put('/api/kv/:key', label('kv_put'), async (req, res) => {
    await write(res, putCommand(param(req, 'key'), req.body, ids));
  });

  app.post('/api/kv/:key/cas', label('kv_cas'), async (req, res) => {
    const key = parseOr400(kvKey, param(req, 'key'));
    const body = parseOr400(casBody, req.body);
    await write(res, { op: 'cas', key, expect: body.expect, value: body.value, ...ids.complete(body.clientId, body.requestId) });
  });

  app.get('/api/kv/:key', label('kv_get'), async (req, res) => {
    const key = parseOr400(kvKey, param(req, 'key'));
    const stale = parseOr400(staleQuery, req.query.stale) === 'true';
    const path = `/api/kv/${encodeURIComponent(key)}${stale ? '?stale=true' : ''}`;
    sendForwarded(res, await forwarder.forward({ kind: 'read', path, stale }));
  });

  app.use((req, _res, next) => {
    next(new GatewayError('NOT_FOUND', `no route ${req.method} ${req.path}`));
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => { sendError(res, err); });

  return app;
}
