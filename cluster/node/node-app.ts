import { createServer, type Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AuditLog } from './audit-log.ts';
import { serveBatch, type BatchRouteDeps } from './batch-route.ts';
import { batchStreamPath, handleBatchStream } from './batch-stream.ts';
import { clientApi, leaderGuard } from './client-api.ts';
import { refuseOtherCluster } from './cluster-check.ts';
import { bodyTooLarge, malformedJson, NodeError } from './errors.ts';
import type { NodeMetrics } from './node-metrics.ts';
import { handlePeerMessages, handlePeerStream, peerMessagesPath, peerStreamPath, type PeerReceiverDeps } from './peer-stream.ts';
import type { RaftHost } from './raft-host.ts';
import { raftApi } from './raft-api.ts';

export interface NodeAppDeps {
  readonly host: RaftHost;
  readonly audit: AuditLog;
  readonly metrics: NodeMetrics;
  readonly tickMs: number;
  readonly peers: readonly string[];
  readonly bodyLimitBytes: number;
  /** Snapshots travel as peer messages, so the peer path allows more than client bodies. */
  readonly peerBodyLimitBytes: number;
  readonly nodeUrl: (id: string) => string | null;
  readonly clusterId: string;
}

/** A NodeError, or body-parser's error said as the plain routes say it (batch-route.ts); else null. */
function asNodeError(err: unknown, bodyLimitBytes: number): NodeError | null {
  if (err instanceof NodeError) return err;
  const e = err as { type?: string; message?: string };
  if (e.type === 'entity.too.large') return bodyTooLarge(bodyLimitBytes);
  if (e.type === 'entity.parse.failed') return malformedJson(e.message ?? '');
  return null;
}

export function createNodeServer(deps: NodeAppDeps): Server {
  /**
   * The answer to an error from any route: a NodeError's own, body-parser's and the router's
   * as NodeErrors would say them; anything else is a bug, audited and answered 500.
   */
  const answerError = (err: unknown): { status: number; body: unknown } => {
    const known = asNodeError(err, deps.bodyLimitBytes);
    if (known) return { status: known.status, body: known.body() };
    const e = err as { status?: number; message?: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return { status: e.status, body: { error: e.message ?? 'bad request', code: 'BAD_REQUEST' } };
    deps.audit.record('internal-error', { message: String(e.message ?? err) });
    return { status: 500, body: { error: 'internal error', code: 'INTERNAL' } };
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!refuseOtherCluster(req, res, deps.clusterId)) next();
  });
  app.use(express.json({ limit: deps.bodyLimitBytes, strict: false }));

  app.get('/healthz', (_req, res) => { res.json({ ok: true, node: deps.host.id }); });
  app.get('/readyz', (_req, res) => {
    const st = deps.host.status();
    const ready = st.leader !== null;
    res.status(ready ? 200 : 503).json(ready ? { ready, node: st.id, leader: st.leader } : { ready, node: st.id, error: 'no known leader', code: 'NO_LEADER' });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  app.use('/raft', raftApi(deps));
  app.use('/api', clientApi(deps));

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `no route ${req.method} ${req.path}`, code: 'NOT_FOUND' });
  });
  // Express 5 forwards rejected async handlers here.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const answer = answerError(err);
    res.status(answer.status).json(answer.body);
  });

  const peer: PeerReceiverDeps = {
    clusterId: deps.clusterId, selfId: deps.host.id, peerBodyLimitBytes: deps.peerBodyLimitBytes,
    step: (messages) => deps.host.step(messages),
  };
  const batch: BatchRouteDeps = {
    host: deps.host, clusterId: deps.clusterId, bodyLimitBytes: deps.bodyLimitBytes,
    requireLeader: leaderGuard(deps.host, deps.nodeUrl), answerError,
  };
  // requestTimeout 0: a peer or batch stream is one request that lasts as long as the link.
  return createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    if (req.method === 'POST' && req.url === peerStreamPath) handlePeerStream(req, res, peer);
    else if (req.method === 'POST' && req.url === peerMessagesPath) handlePeerMessages(req, res, peer);
    else if (req.method === 'POST' && req.url === batchStreamPath) handleBatchStream(req, res, batch);
    else if (!serveBatch(req, res, batch)) app(req, res);
  });
}
