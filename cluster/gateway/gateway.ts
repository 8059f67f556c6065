import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerClusterOrigins } from '../common/client-credentials.ts';
import { authorize, gatewayNeed } from '../auth/request-auth.ts';
import { ensureClusterCerts, gatewayCertName, readNodeTls } from '../auth/cluster-certs.ts';
import { createTlsOrPlainServer, refusePlainClient } from '../http/tls-or-plain-server.ts';
import { ensureAdminToken, TokenVerifier } from '../auth/token-store.ts';
import { clientScheme, gatewayNodeUrl, type ClusterConfig } from '../config.ts';
import { AuditLog } from '../auth/audit-log.ts';
import { openAuditLog } from '../auth/audit-log.ts';
import { createGatewayApp } from './app.ts';
import { Forwarder } from './forwarder.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { gatewayStatus, type GatewayStatus } from './gateway-status.ts';
import { LeaderTracker, type LeaderInfo, type LeaderChangeReason } from './leader-tracker.ts';
import { NodeClient, nodeClientDefaults, type NodeClientOptions } from './node-client.ts';
import { RequestIds } from './request-ids.ts';
import { WriteCoalescer } from './write-coalescer.ts';
import { gatewayRequestListener } from './write-routes.ts';

export interface GatewayOptions {
  /** Listen port; 0 picks a free one (tests). Default: config.gateway.port. */
  readonly port?: number;
  readonly breaker?: Partial<NodeClientOptions>;
  /** Per-attempt timeout; default a third of the failover deadline, so a hung leader leaves time for two more tries. */
  readonly attemptTimeoutMs?: number;
  /**
   * Coalesced batches in flight per leader (default 1: the next batch leaves when the previous
   * returns, so batches grow with load and the order of proposals is the order of arrival).
   */
  readonly maxBatchesInFlight?: number;
  readonly onLeaderChange?: (previous: LeaderInfo | null, next: LeaderInfo | null, reason: LeaderChangeReason, fromNodeId: string) => void;
}

export interface StartedGateway {
  readonly url: string;
  readonly tracker: LeaderTracker;
  readonly metrics: GatewayMetrics;
  readonly gatewayClientId: string;
  /** What `GET /api/status` answers. */
  status(): GatewayStatus;
  close(): Promise<void>;
}

/** Batches stay at most this many ops: large enough to amortize a request, small enough to keep one batch's latency short. */
const maxBatchOps = 256;

export async function startGateway(config: ClusterConfig, options: GatewayOptions = {}): Promise<StartedGateway> {
  const clientOptions: NodeClientOptions = { ...nodeClientDefaults, ...options.breaker };
  const clients = new Map(config.nodes.map((n) => [n.id, new NodeClient(n.id, gatewayNodeUrl(config, n.id), clientOptions, config.clusterId)]));
  let tracker: LeaderTracker | null = null;
  const metrics = new GatewayMetrics([...clients.values()], () => tracker?.current()?.id ?? null);
  const pollMs = config.gateway.statusPollMs;
  tracker = new LeaderTracker(config, clients, {
    pollMs,
    pollTimeoutMs: Math.max(200, 2 * pollMs),
    onLeaderChange: (previous, next, reason, fromNodeId) => {
      metrics.leaderChanges.inc({ reason });
      options.onLeaderChange?.(previous, next, reason, fromNodeId);
    },
  });
  const leaderTracker = tracker;
  const deadlineMs = config.gateway.failoverDeadlineMs;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? Math.max(100, Math.round(deadlineMs / 3));
  const coalescer = config.gateway.coalesceWrites
    ? new WriteCoalescer({
      maxBatchOps,
      maxBatchBytes: config.http.bodyLimitBytes,
      batchTimeoutMs: attemptTimeoutMs,
      maxInFlight: options.maxBatchesInFlight ?? config.gateway.batchesInFlight,
      stream: config.gateway.batchStream,
      isLeader: (id) => leaderTracker.current()?.id === id,
      onBatch: (ops) => { metrics.batches.inc(); metrics.batchOps.observe(ops); },
      onAnswer: (seconds) => metrics.batchSeconds.observe(seconds),
    })
    : null;
  const forwarder = new Forwarder(leaderTracker, clients, coalescer, metrics, { deadlineMs, attemptTimeoutMs });
  const ids = new RequestIds();
  const app = createGatewayApp({ config, tracker: leaderTracker, clients, forwarder, metrics, ids });

  // Tokens are checked before any route, hot or not; failures go to the gateway's audit log.
  if (config.security.auth) ensureAdminToken(config.dataDirAbs);
  const verifier = config.security.auth ? new TokenVerifier(config.dataDirAbs) : null;
  const audit: AuditLog = openAuditLog(config.dataDirAbs, 'gateway');
  const routes = gatewayRequestListener({ bodyLimitBytes: config.http.bodyLimitBytes, forwarder, metrics, ids }, app);
  const clientTls = config.security.clientTls;
  const listener: typeof routes = (req, res) => {
    if (clientTls && refusePlainClient(req, res, gatewayNeed(req.method ?? 'GET', (req.url ?? '/').split('?')[0]!))) return;
    if (authorize(req, res, { verifier, need: gatewayNeed, onFailure: (f) => audit.recordLimited('auth-failure', { ...f }) })) routes(req, res);
  };
  // Client TLS: https with the gateway's certificate from the cluster CA; plain HTTP reaches health and metrics only.
  if (clientTls) ensureClusterCerts(config.dataDirAbs, [gatewayCertName], config.gateway.host, config.clusterId);
  const tls = clientTls ? readNodeTls(config.dataDirAbs, gatewayCertName) : null;
  // Without client TLS, the plain server as before (no first-byte sniffing on the hot path).
  const plain = tls === null ? createServer({ keepAliveTimeout: 65_000 }, listener) : null;
  const served = plain !== null ? { server: plain, http: plain, https: null } : createTlsOrPlainServer({ keepAliveTimeout: 65_000 }, tls, listener);
  leaderTracker.start();
  const server = served.server.listen(options.port ?? config.gateway.port, config.gateway.host);
  try {
    await once(server, 'listening');
  } catch (err) {
    leaderTracker.stop();
    await Promise.all([...clients.values()].map((c) => c.close()));
    throw err;
  }
  // Keep-alive (above) longer than typical client pools' idle timeout, so the client closes first.
  const { port } = server.address() as AddressInfo;
  const url = `${clientScheme(config)}://${config.gateway.host}:${port}`;
  registerClusterOrigins(config.dataDirAbs, [url]);

  let closing: Promise<void> | null = null;
  return {
    url, tracker: leaderTracker, metrics, gatewayClientId: ids.gatewayClientId,
    status: () => gatewayStatus(config, leaderTracker, clients),
    close() {
      closing ??= (async () => {
        leaderTracker.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        served.http.closeIdleConnections();
        served.https?.closeIdleConnections();
        // Requests in flight get their answer (bounded by the failover deadline), then we stop.
        const forced = setTimeout(() => { served.http.closeAllConnections(); served.https?.closeAllConnections(); }, deadlineMs + 500);
        await closed;
        clearTimeout(forced);
        await Promise.all([...clients.values()].map((c) => c.close()));
      })();
      return closing;
    },
  };
}
