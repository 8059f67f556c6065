import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { authorize, nodeNeed } from '../auth/request-auth.ts';
import type { TokenVerifier } from '../auth/token-store.ts';
import { notJsonProblem } from '../http/json-only.ts';
import { createTlsOrPlainServer, refusePlainClient, verifiedPeerName, type TlsMaterial, type TlsOrPlainServer } from '../http/tls-or-plain-server.ts';
import { sendJson } from '../http/json-body.ts';
import type { AuditLog } from '../auth/audit-log.ts';
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
  /** null: auth off (recorded in every run). */
  readonly verifier?: TokenVerifier | null;
  /** A request body (not a stream) must have arrived within this. */
  readonly bodyTimeoutMs?: number;
  /** This node's certificate and the cluster CA, for peer TLS, client TLS or both. null: neither. */
  readonly tls?: TlsMaterial | null;
  /** Peer routes demand a member's certificate; default: whenever `tls` is given. */
  readonly peerTls?: boolean;
  /** Client routes demand TLS (plain HTTP keeps /healthz, /readyz, /metrics); default off. */
  readonly clientTls?: boolean;
}

/**
 * Null when a peer route's caller may go on: with peer TLS on, only over TLS with a certificate
 * the cluster CA signed for another member, whose name matches the x-raft-from it claims.
 */
function peerProblem(req: IncomingMessage, deps: NodeAppDeps): string | null {
  if (!deps.tls || deps.peerTls === false) return null;
  const name = verifiedPeerName(req);
  if (name === null) return 'peer routes need TLS with a certificate signed by the cluster CA';
  if (!deps.peers.includes(name) || name === deps.host.id) return `certificate names ${name}, not another member`;
  const from = req.headers['x-raft-from'];
  if (from !== undefined && from !== name) return `certificate names ${name} but x-raft-from says ${String(from)}`;
  return null;
}

const batchWrapperBytes = 64 * 1024;

const pathOfUrl = (url: string | undefined): string => (url ?? '/').split('?')[0]!;

/** Streams last as long as their link; any other request must be read within the body timeout. */
const streamPaths = new Set([peerStreamPath, batchStreamPath]);
/** A stream silent this long is gone (peers send a heartbeat every 50 ms). */
const streamIdleMs = 60_000;

/** A NodeError, or body-parser's error said as the plain routes say it (batch-route.ts); else null. */
function asNodeError(err: unknown, bodyLimitBytes: number): NodeError | null {
  if (err instanceof NodeError) return err;
  const e = err as { type?: string; message?: string };
  if (e.type === 'entity.too.large') return bodyTooLarge(bodyLimitBytes);
  if (e.type === 'entity.parse.failed') return malformedJson(e.message ?? '');
  return null;
}

export function createNodeServer(deps: NodeAppDeps): TlsOrPlainServer {
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
    view: {
      now: () => {
        const st = deps.host.status();
        return { term: st.term, leader: st.leader, role: st.role, lastIndex: st.lastIndex, members: deps.peers };
      },
    },
    onRefused: (reason, code, from) => {
      deps.metrics.peerRefused.inc({ reason: code });
      deps.audit.recordLimited('peer-refused', { from, reason, code });
    },
  };
  const batch: BatchRouteDeps = {
    // The gateway takes client bodies up to bodyLimitBytes and wraps them in a batch: the batch
    // routes allow that wrapper's room on top, so a body the gateway took is never a 413 here.
    host: deps.host, clusterId: deps.clusterId, bodyLimitBytes: deps.bodyLimitBytes + batchWrapperBytes,
    requireLeader: leaderGuard(deps.host, deps.nodeUrl), answerError,
  };
  const verifier = deps.verifier ?? null;
  const onAuthFailure = (f: { status: number }) => {
    deps.metrics.authFailures.inc({ status: String(f.status) });
    deps.audit.recordLimited('auth-failure', { ...f });
  };
  const bodyTimeoutMs = deps.bodyTimeoutMs ?? 30_000;
  // requestTimeout 0: a peer or batch stream is one request that lasts as long as the link, and
  // Node's timeout has no per-route exception; every other request gets bodyTimeoutMs below.
  return createTlsOrPlainServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 10_000 }, deps.tls ?? null, (req: IncomingMessage, res: ServerResponse) => {
    if (deps.clientTls && refusePlainClient(req, res, nodeNeed(req.method ?? 'GET', pathOfUrl(req.url)))) return;
    if (!authorize(req, res, { verifier, need: nodeNeed, onFailure: onAuthFailure })) return;
    if (nodeNeed(req.method ?? 'GET', pathOfUrl(req.url)) === 'peer') {
      const problem = peerProblem(req, deps);
      if (problem !== null) {
        deps.audit.recordLimited('peer-refused', { source: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`, from: req.headers['x-raft-from'] ?? null, reason: problem });
        deps.metrics.peerRefused.inc({ reason: 'certificate' });
        req.resume();
        res.shouldKeepAlive = false;
        sendJson(res, 403, { error: problem, code: 'PEER_CERT_REQUIRED' });
        return;
      }
    }
    const notJson = notJsonProblem(req);
    if (notJson !== null) {
      req.resume();
      res.shouldKeepAlive = false;
      sendJson(res, 415, { error: notJson, code: 'UNSUPPORTED_MEDIA_TYPE' });
      return;
    }
    if (streamPaths.has(req.url ?? '')) {
      req.socket.setTimeout(streamIdleMs, () => req.socket.destroy());
    } else if (!req.complete) {
      const timer = setTimeout(() => { if (!req.complete) req.socket.destroy(); }, bodyTimeoutMs);
      timer.unref();
      req.once('end', () => clearTimeout(timer));
      res.once('close', () => clearTimeout(timer));
    }
    if (req.method === 'POST' && req.url === peerStreamPath) handlePeerStream(req, res, peer);
    else if (req.method === 'POST' && req.url === peerMessagesPath) handlePeerMessages(req, res, peer);
    else if (req.method === 'POST' && req.url === batchStreamPath) handleBatchStream(req, res, batch);
    else if (!serveBatch(req, res, batch)) app(req, res);
  });
}
