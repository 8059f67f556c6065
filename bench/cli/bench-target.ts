// Which gateway a run loads, and what is known about the cluster behind it.
//   --target URL   that gateway; unreachable is a usage error (exit 64, nothing sent). Or a node:
//                  the leader is loaded directly, without the gateway's hop, coalescing and
//                  failover (to measure what the gateway costs); a follower is refused, naming
//                  the leader, since it would answer every write 421
//   no --target    the local cluster's gateway (cluster config) if it answers; otherwise a local
//                  cluster started for this run on free ports in a temp data dir, stopped after
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { registerTargetOrigin } from '../../cluster/common/client-credentials.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { UsageError } from '../../cluster/common/cli-usage.ts';
import { gatewayUrl, loadConfig } from '../../cluster/config.ts';
import type { ClusterConfig } from '../../cluster/config.ts';
import { readClusterRecord } from '../../cluster/local/cluster-record.ts';
import { startCluster, stopAll } from '../../cluster/local/local-cluster.ts';
import { findFreePortRange } from '../../cluster/local/port-check.ts';
import { ProcessManager } from '../../cluster/local/process-manager.ts';
import { auditLogPath } from '../../cluster/auth/audit-log.ts';
import type { UsageSource } from '../report/cluster-usage.ts';
import type { RequestBuilder } from '../request-spec.ts';

export interface ClusterDescription {
  /** started: by this run; local: a `just up` cluster; remote: anything else (--target). */
  origin: 'started' | 'local' | 'remote';
  /** What the load goes to: the gateway, (--target a node's URL) the leader directly, (bench floor) the floor path, (bench etcd) etcd's leader. */
  via: 'gateway' | 'leader-node' | 'floor-path' | 'etcd-leader';
  runtime: 'local-processes' | 'docker' | 'unknown';
  gatewayUrl: string;
  nodes: { id: string; url: string }[];
  /** null when the target is not a cluster we can see the configuration of. */
  fsync: 'always' | 'never' | null;
  config: Pick<ClusterConfig, 'nodeCount' | 'gateway' | 'raft' | 'storage' | 'links' | 'security'> | null;
  dataDir: string | null;
  /** What runs there when it is not this project's cluster (bench etcd). */
  version?: string;
  /** etcd's TLS settings (this project's cluster has them under config.security). */
  security?: { clientTls: 'off' | 'mutual'; peerTls: 'off' | 'mutual' };
}

/** A client certificate and the CA to trust, for a target that speaks mutual TLS (etcd-tls). */
export interface ClientTls { ca: Buffer; cert: Buffer; key: Buffer }

export interface BenchTarget {
  url: string;
  cluster: ClusterDescription;
  /** Where to read the cluster's CPU and metrics around each step. */
  usage(): UsageSource;
  /** The target's own request shape, used instead of --workload (bench etcd's puts). */
  requests?: RequestBuilder;
  /** Set when the target's URL is https with client certificates required. */
  tls?: ClientTls;
  /** A cheap GET that open-loop steps send on each connection before the clock (handshakes off the clock). */
  preconnectPath?: string;
  /** Stops a cluster this run started (copying its logs to logsTo first); no-op otherwise. */
  release(logsTo: string | null): Promise<void>;
}

interface StatusBody { leaderId?: string | null; nodes?: { id: string; url: string }[] }
/** A node's GET /raft/status, the fields the bench needs. */
interface NodeStatusBody { id: string; role: string; leader: string | null; leaderUrl: string | null }

type Probed =
  | { ok: true; kind: 'gateway'; body: StatusBody }
  | { ok: true; kind: 'node'; body: NodeStatusBody }
  | { ok: false; why: string };

const probeTimeoutMs = 2000;

async function getJson(url: string): Promise<{ status: number; json: unknown }> {
  const res = await request(url, { signal: AbortSignal.timeout(probeTimeoutMs) });
  const text = await res.body.text();
  try {
    return { status: res.statusCode, json: JSON.parse(text) as unknown };
  } catch {
    return { status: res.statusCode, json: undefined };
  }
}

function isNodeStatus(v: unknown): v is NodeStatusBody {
  const o = v as Partial<NodeStatusBody> | null;
  return typeof o === 'object' && o !== null && typeof o.id === 'string' && typeof o.role === 'string';
}

/** The same client as the load engine, so what the probe reaches the run reaches too. */
async function probe(url: string): Promise<Probed> {
  try {
    const gw = await getJson(`${url}/api/status`);
    if (gw.status === 200 && gw.json !== undefined) return { ok: true, kind: 'gateway', body: gw.json as StatusBody };
    // A node has no /api/status; its own status is under /raft.
    const node = await getJson(`${url}/raft/status`);
    if (node.status === 200 && isNodeStatus(node.json)) return { ok: true, kind: 'node', body: node.json };
    if (gw.status !== 200) return { ok: false, why: `GET /api/status answered ${gw.status}` };
    return { ok: false, why: 'GET /api/status did not answer JSON: not a gateway?' };
  } catch (err) {
    const e = err as { code?: string; name?: string; message?: string; errors?: { code?: string }[] };
    return { ok: false, why: e.code ?? e.errors?.[0]?.code ?? (e.name === 'TimeoutError' ? `no answer within ${probeTimeoutMs} ms` : `${e.name}: ${e.message}`) };
  }
}

function describe(config: ClusterConfig, origin: ClusterDescription['origin'], fsync: 'always' | 'never'): ClusterDescription {
  return {
    origin, via: 'gateway', runtime: 'local-processes', gatewayUrl: gatewayUrl(config),
    nodes: config.nodes.map((n) => ({ id: n.id, url: n.url })), fsync,
    config: { nodeCount: config.nodeCount, gateway: config.gateway, raft: config.raft, storage: { ...config.storage, fsync }, links: config.links, security: config.security },
    dataDir: config.dataDirAbs,
  };
}

const noRelease: BenchTarget['release'] = async () => undefined;

/** Nodes' and gateway's /metrics, plus the pids of local processes (read fresh at each call). */
function usageOf(cluster: ClusterDescription, manager: ProcessManager | null): () => UsageSource {
  return () => ({
    processes: manager === null ? [] : manager.list().filter((p) => p.alive).map((p) => ({ name: p.name, pid: p.pid })),
    metrics: [
      ...cluster.nodes.map((n) => ({ name: n.id, url: n.url })),
      // A remote node target has no gateway we know of (gatewayUrl is the node itself).
      ...(cluster.nodes.some((n) => n.url === cluster.gatewayUrl) ? [] : [{ name: 'gateway', url: cluster.gatewayUrl }]),
    ],
  });
}

function target(url: string, cluster: ClusterDescription, manager: ProcessManager | null, release = noRelease): BenchTarget {
  return { url, cluster, usage: usageOf(cluster, manager), release };
}

export async function resolveTarget(given: string | null, fsync: 'always' | 'never', log: (line: string) => void): Promise<BenchTarget> {
  const config = loadConfig();
  const record = readClusterRecord(join(config.dataDirAbs, 'run'));
  if (given !== null) {
    // A named target gets $RAFT_TOKEN, else this checkout's own cluster token (client-credentials.ts).
    registerTargetOrigin(given, config.dataDirAbs);
    const p = await probe(given);
    if (!p.ok) throw new UsageError(`target ${given} is unreachable (${p.why}); nothing was sent`);
    const local = record === null ? null : { config: loadConfig({ ...process.env, ...record.env }), fsync: record.fsync, gatewayUrl: record.gatewayUrl };
    if (p.kind === 'node') return nodeTarget(given, p.body, local);
    if (local !== null && local.gatewayUrl === given) {
      return target(given, describe(local.config, 'local', local.fsync), new ProcessManager(local.config.dataDirAbs));
    }
    const nodes = p.body.nodes?.map((n) => ({ id: n.id, url: n.url })) ?? [];
    return target(given, { origin: 'remote', via: 'gateway', runtime: 'unknown', gatewayUrl: given, nodes, fsync: null, config: null, dataDir: null }, null);
  }
  const local = gatewayUrl(config);
  if ((await probe(local)).ok) {
    // The `just up` record holds the environment the cluster was started with: its real config.
    if (record !== null && record.gatewayUrl === local) {
      if (record.fsync !== fsync) log(`note: the running cluster has fsync ${record.fsync}; --fsync applies only to a cluster the bench starts`);
      const c = loadConfig({ ...process.env, ...record.env });
      return target(local, describe(c, 'local', record.fsync), new ProcessManager(c.dataDirAbs));
    }
    return target(local, { ...describe(config, 'local', 'always'), fsync: null, config: null }, null);
  }
  return startForRun(config.nodeCount, fsync, log);
}

/**
 * A node's URL as the target: only the leader takes writes, so a follower is refused before
 * anything is sent. A node of the `just up` cluster keeps the cluster's config, processes and
 * metrics in the run; any other node is described by what it says about itself.
 */
function nodeTarget(url: string, st: NodeStatusBody, local: { config: ClusterConfig; fsync: 'always' | 'never' } | null): BenchTarget {
  if (st.role !== 'LEADER') {
    const leader = st.leader === null ? 'no leader is known' : `the leader is ${st.leader}${st.leaderUrl ? ` at ${st.leaderUrl}` : ''}`;
    throw new UsageError(`target ${url} is node ${st.id}, a ${st.role.toLowerCase()}, which refuses writes; ${leader}: bench that or the gateway; nothing was sent`);
  }
  const ofLocal = local?.config.nodes.some((n) => n.url === url) ? local : null;
  if (ofLocal !== null) {
    const d = describe(ofLocal.config, 'local', ofLocal.fsync);
    return target(url, { ...d, via: 'leader-node' }, new ProcessManager(ofLocal.config.dataDirAbs));
  }
  return target(url, { origin: 'remote', via: 'leader-node', runtime: 'unknown', gatewayUrl: url, nodes: [{ id: st.id, url }], fsync: null, config: null, dataDir: null }, null);
}

/** Processes that must not outlive this one if it dies without running its finally blocks. */
const started = new Set<ProcessManager>();
process.on('exit', () => {
  for (const m of started) for (const p of m.list()) if (p.alive) try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
});

/** A new cluster like the one resolveTarget starts when none runs: an alternated run's later rounds. */
export function startFreshCluster(fsync: 'always' | 'never', log: (line: string) => void): Promise<BenchTarget> {
  return startForRun(loadConfig().nodeCount, fsync, log);
}

/**
 * `--alternate insecure|secure`: the same cluster as one the run starts, with auth and peer
 * mutual TLS both off (RAFT_AUTH=false, RAFT_PEER_TLS=false: what security costs) or both on.
 */
export function startClusterWithSecurity(on: boolean, fsync: 'always' | 'never', log: (line: string) => void): Promise<BenchTarget> {
  return startForRun(loadConfig().nodeCount, fsync, log, { RAFT_AUTH: String(on), RAFT_PEER_TLS: String(on) });
}

async function startForRun(nodeCount: number, fsync: 'always' | 'never', log: (line: string) => void, env: Record<string, string> = {}): Promise<BenchTarget> {
  const basePort = await findFreePortRange(nodeCount + 1);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
  const config = loadConfig({
    ...process.env, RAFT_NODES: String(nodeCount), RAFT_BASE_PORT: String(basePort), GATEWAY_PORT: String(basePort + nodeCount),
    RAFT_DATA_DIR: dataDir, RAFT_FSYNC: fsync,
    // A bench measures the cluster, not a proxy hop: direct links unless asked otherwise (and a
    // proxy's fixed ports would collide with a `just up` cluster's).
    RAFT_LINKS: process.env.RAFT_LINKS || 'direct',
    ...env,
  });
  const security = `auth ${config.security.auth ? 'on' : 'off'}, peer TLS ${config.security.peerTls ? 'on' : 'off'}`;
  const why = Object.keys(env).length > 0 ? 'for this arm' : `no cluster answers at ${gatewayUrl(loadConfig())}:`;
  log(`${why} starting ${nodeCount} nodes + gateway for this run (fsync ${fsync}, links ${config.links.mode}, ${security}, ports ${basePort}-${basePort + nodeCount}, data ${dataDir})`);
  const manager = new ProcessManager(dataDir, { stopTimeoutMs: 5000 });
  started.add(manager);
  try {
    await startCluster(config, manager, { readyTimeoutMs: 20_000 });
  } catch (err) {
    started.delete(manager);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  let released = false;
  return target(gatewayUrl(config), describe(config, 'started', fsync), manager, async (logsTo) => {
    if (released) return;
    released = true;
    try {
      await stopAll(manager);
      if (logsTo !== null && existsSync(manager.logDir)) {
        cpSync(manager.logDir, join(logsTo, 'cluster-logs'), { recursive: true });
        // Each node's audit log (elections, snapshots, loop stalls, with times) says what a slow second coincided with.
        for (const n of config.nodes) {
          const audit = auditLogPath(config.dataDirAbs, n.id);
          if (existsSync(audit)) cpSync(audit, join(logsTo, 'cluster-logs', `${n.id}-audit.jsonl`));
        }
      }
    } finally {
      started.delete(manager);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
