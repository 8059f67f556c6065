import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { registerClusterOrigins } from './common/client-credentials.ts';

/**
 * One validated configuration for every process (nodes, gateway, runner, benches):
 * defaults <- JSON file (cluster/cluster.json or $RAFT_CONFIG) <- environment variables.
 * A different cluster size, ports or timeouts need no code edit.
 */

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const port = z.number().int().min(1).max(65535);

const fileSchema = z.object({
  nodeCount: z.number().int().min(1).max(9).default(3),
  host: z.string().min(1).default('127.0.0.1'),
  /** node<i> listens on basePort + i - 1 (client API and peer RPCs share the port). */
  basePort: port.default(8081),
  gateway: z.object({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(8080),
    /** How long the gateway keeps retrying a request across leader changes. */
    failoverDeadlineMs: z.number().int().min(100).max(60_000).default(3000),
    statusPollMs: z.number().int().min(20).max(10_000).default(250),
    /** Concurrent client writes are coalesced into one batch request to the leader. */
    coalesceWrites: z.boolean().default(true),
    /** Coalesced batches outstanding to the leader at once (pipelining across its fsyncs). */
    batchesInFlight: z.number().int().min(1).max(64).default(1),
    /**
     * Batches travel on one long-lived stream per node (POST /api/batch-stream); false sends
     * each as its own POST /api/batch request, the earlier design, kept for comparison.
     */
    batchStream: z.boolean().default(true),
  }).prefault({}),
  raft: z.object({
    tickMs: z.number().int().min(1).max(1000).default(10),
    electionTimeoutMsMin: z.number().int().min(10).default(150),
    electionTimeoutMsMax: z.number().int().min(20).default(300),
    heartbeatIntervalMs: z.number().int().min(1).default(50),
    snapshotEntries: z.number().int().min(10).default(10_000),
    /**
     * A snapshot also waits until the log applied since the last one is this many times that
     * snapshot's size (0: entries alone decide). A snapshot rewrites the whole state, so with a
     * fixed entry count its cost per write grows with the state; this bounds it (LogCabin's
     * snapshotRatio). The log kept in memory and replayed at restart grows to this share of it.
     */
    snapshotLogRatio: z.number().min(0).max(100).default(1),
    preVote: z.boolean().default(true),
    checkQuorum: z.boolean().default(true),
    maxInflightAppends: z.number().int().min(1).default(64),
    maxEntriesPerAppend: z.number().int().min(1).default(1024),
    /** Client requests waiting for commit or a read point give up after this. */
    requestTimeoutMs: z.number().int().min(100).default(5000),
  }).prefault({}),
  storage: z.object({
    /** `never` is for benchmarks only: every result records it. */
    fsync: z.enum(['always', 'never']).default('always'),
    dataDir: z.string().min(1).default('data'),
  }).prefault({}),
  http: z.object({
    bodyLimitBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  }).prefault({}),
  /**
   * Links: with `toxiproxy`, every peer link and gateway link goes through a proxy whose
   * listen port is derived below, so faults can be injected on each directed link.
   */
  links: z.object({
    mode: z.enum(['direct', 'toxiproxy']).default('direct'),
    proxyHost: z.string().min(1).default('127.0.0.1'),
    /** node<i>_to_node<j> listens on proxyBasePort + 10*i + j; gateway_to_node<j> on proxyBasePort + j. */
    proxyBasePort: port.default(18000),
    toxiproxyUrl: z.string().url().default('http://127.0.0.1:8474'),
  }).prefault({}),
  /**
   * Tokens on client and admin APIs, mutual TLS on peer links (cluster/auth/README.md). Both on
   * by default; turning one off is recorded with every run and bench result.
   */
  security: z.object({
    auth: z.boolean().default(true),
    peerTls: z.boolean().default(true),
    /**
     * The client APIs (gateway, nodes) over https with certificates of the cluster CA, which every
     * project client trusts for this cluster's origins; plain HTTP then reaches only
     * /healthz, /readyz and /metrics (Prometheus). Off by default.
     */
    clientTls: z.boolean().default(false),
    /** Largest peer batch (snapshots travel as one), far below V8's largest string (~512 MiB). */
    peerBodyLimitBytes: z.number().int().min(64 * 1024).max(256 * 1024 * 1024).default(128 * 1024 * 1024),
    /** A request body (not a stream) must arrive within this, so a slow upload holds nothing for long. */
    bodyTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  }).prefault({}),
}).refine((c) => c.raft.electionTimeoutMsMax > c.raft.electionTimeoutMsMin, {
  message: 'raft.electionTimeoutMsMax must exceed raft.electionTimeoutMsMin',
}).refine((c) => c.raft.electionTimeoutMsMin > c.raft.heartbeatIntervalMs, {
  message: 'raft.electionTimeoutMsMin must exceed raft.heartbeatIntervalMs',
});

export type ClusterFileConfig = z.infer<typeof fileSchema>;

export interface NodeSpec {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** Where the node itself listens. */
  readonly url: string;
}

export interface ClusterConfig extends ClusterFileConfig {
  /**
   * Names this cluster in every peer message and gateway request; a node refuses traffic from
   * another cluster. Several clusters share this machine (tests, benches, a user's own), and
   * with random ports a stray link could otherwise join two of them (etcd checks a cluster ID
   * for the same reason). RAFT_CLUSTER_ID, or derived from the data directory.
   */
  readonly clusterId: string;
  readonly nodes: readonly NodeSpec[];
  /** Absolute data directory. */
  readonly dataDirAbs: string;
  readonly source: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Environment variables that override the file, and the path each one sets. */
const envOverrides: Record<string, { path: string[]; kind: 'int' | 'number' | 'bool' | 'string' }> = {
  RAFT_NODES: { path: ['nodeCount'], kind: 'int' },
  RAFT_HOST: { path: ['host'], kind: 'string' },
  RAFT_BASE_PORT: { path: ['basePort'], kind: 'int' },
  GATEWAY_PORT: { path: ['gateway', 'port'], kind: 'int' },
  GATEWAY_FAILOVER_DEADLINE_MS: { path: ['gateway', 'failoverDeadlineMs'], kind: 'int' },
  GATEWAY_COALESCE_WRITES: { path: ['gateway', 'coalesceWrites'], kind: 'bool' },
  GATEWAY_BATCHES_IN_FLIGHT: { path: ['gateway', 'batchesInFlight'], kind: 'int' },
  GATEWAY_BATCH_STREAM: { path: ['gateway', 'batchStream'], kind: 'bool' },
  RAFT_TICK_MS: { path: ['raft', 'tickMs'], kind: 'int' },
  RAFT_ELECTION_TIMEOUT_MS_MIN: { path: ['raft', 'electionTimeoutMsMin'], kind: 'int' },
  RAFT_ELECTION_TIMEOUT_MS_MAX: { path: ['raft', 'electionTimeoutMsMax'], kind: 'int' },
  RAFT_HEARTBEAT_INTERVAL_MS: { path: ['raft', 'heartbeatIntervalMs'], kind: 'int' },
  RAFT_SNAPSHOT_ENTRIES: { path: ['raft', 'snapshotEntries'], kind: 'int' },
  RAFT_SNAPSHOT_LOG_RATIO: { path: ['raft', 'snapshotLogRatio'], kind: 'number' },
  RAFT_REQUEST_TIMEOUT_MS: { path: ['raft', 'requestTimeoutMs'], kind: 'int' },
  RAFT_FSYNC: { path: ['storage', 'fsync'], kind: 'string' },
  RAFT_DATA_DIR: { path: ['storage', 'dataDir'], kind: 'string' },
  RAFT_BODY_LIMIT_BYTES: { path: ['http', 'bodyLimitBytes'], kind: 'int' },
  RAFT_LINKS: { path: ['links', 'mode'], kind: 'string' },
  TOXIPROXY_URL: { path: ['links', 'toxiproxyUrl'], kind: 'string' },
  RAFT_PROXY_BASE_PORT: { path: ['links', 'proxyBasePort'], kind: 'int' },
  RAFT_AUTH: { path: ['security', 'auth'], kind: 'bool' },
  RAFT_PEER_TLS: { path: ['security', 'peerTls'], kind: 'bool' },
  RAFT_CLIENT_TLS: { path: ['security', 'clientTls'], kind: 'bool' },
  RAFT_PEER_BODY_LIMIT_BYTES: { path: ['security', 'peerBodyLimitBytes'], kind: 'int' },
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Record<string, unknown> = {}): ClusterConfig {
  const path = env.RAFT_CONFIG ? resolve(env.RAFT_CONFIG) : join(repoRoot, 'cluster', 'cluster.json');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !env.RAFT_CONFIG) raw = {};
    else throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  for (const [name, { path: keyPath, kind }] of Object.entries(envOverrides)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    let parsed: unknown = value;
    if (kind === 'int') {
      if (!/^\d+$/.test(value)) throw new ConfigError(`${name} must be a whole number, got "${value}"`);
      parsed = Number(value);
    } else if (kind === 'number') {
      if (!/^\d+(\.\d+)?$/.test(value)) throw new ConfigError(`${name} must be a non-negative number, got "${value}"`);
      parsed = Number(value);
    } else if (kind === 'bool') {
      if (value !== 'true' && value !== 'false') throw new ConfigError(`${name} must be true or false, got "${value}"`);
      parsed = value === 'true';
    }
    setPath(raw, keyPath, parsed);
  }
  for (const [key, value] of Object.entries(overrides)) setPath(raw, key.split('.'), value);
  const result = fileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`invalid config (${path}): ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const c = result.data;
  const nodes: NodeSpec[] = Array.from({ length: c.nodeCount }, (_, i) => {
    const p = c.basePort + i;
    return { id: `node${i + 1}`, host: c.host, port: p, url: `${clientScheme(c)}://${c.host}:${p}` };
  });
  if (nodes.some((n) => n.port === c.gateway.port)) throw new ConfigError(`gateway port ${c.gateway.port} collides with a node port`);
  refuseBadPorts(c, nodes);
  const dataDirAbs = isAbsolute(c.storage.dataDir) ? c.storage.dataDir : join(repoRoot, c.storage.dataDir);
  const clusterId = env.RAFT_CLUSTER_ID || createHash('sha256').update(dataDirAbs).digest('hex').slice(0, 12);
  const config: ClusterConfig = { ...c, clusterId, nodes, dataDirAbs, source: path };
  // Every process that loads a cluster's config sends that cluster's token to it (client-credentials.ts).
  registerClusterOrigins(dataDirAbs, clientOrigins(config));
  return config;
}

/** The URLs a client of this cluster calls: nodes, gateway, and the gateway's proxy links. */
export function clientOrigins(config: ClusterConfig): string[] {
  const urls = [...config.nodes.map((n) => n.url), gatewayUrl(config), ...config.nodes.map((n) => gatewayNodeUrl(config, n.id))];
  return [...urls, ...urls.filter((u) => u.includes('//127.0.0.1:')).map((u) => u.replace('//127.0.0.1:', '//localhost:'))];
}

/** Ports the Fetch standard blocks (undici's list): Node's fetch and browsers refuse to connect to them. */
const fetchBadPorts = (createRequire(import.meta.url)('undici/lib/web/fetch/constants.js') as { badPortsSet: ReadonlySet<string> }).badPortsSet;

function refuseBadPorts(c: ClusterFileConfig, nodes: readonly NodeSpec[]): void {
  const used: [string, number][] = [['gateway port (GATEWAY_PORT)', c.gateway.port], ...nodes.map((n): [string, number] => [`${n.id} port (RAFT_BASE_PORT)`, n.port])];
  if (c.links.mode === 'toxiproxy') {
    const proxyPorts = nodes.flatMap((_, i) => [c.links.proxyBasePort + i + 1, ...nodes.map((__, j) => c.links.proxyBasePort + 10 * (i + 1) + j + 1)]);
    used.push(...proxyPorts.map((p): [string, number] => ['links proxy port (RAFT_PROXY_BASE_PORT)', p]));
  }
  for (const [what, p] of used) {
    if (fetchBadPorts.has(String(p))) throw new ConfigError(`${what} ${p} is one that Node's fetch and browsers refuse to connect to (the Fetch standard's bad ports); choose another`);
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) {
    if (typeof cur[key] !== 'object' || cur[key] === null) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

export function nodeSpec(config: ClusterConfig, id: string): NodeSpec {
  const spec = config.nodes.find((n) => n.id === id);
  if (!spec) throw new ConfigError(`unknown node "${id}" (nodes: ${config.nodes.map((n) => n.id).join(', ')})`);
  return spec;
}

function nodeNumber(id: string): number {
  return Number(id.replace(/^node/, ''));
}

/** The URL `from` uses to reach `to`: direct, or through the proxy of that directed link. */
export function peerUrl(config: ClusterConfig, from: string, to: string): string {
  if (config.links.mode === 'direct') return nodeSpec(config, to).url;
  return `${clientScheme(config)}://${config.links.proxyHost}:${config.links.proxyBasePort + 10 * nodeNumber(from) + nodeNumber(to)}`;
}

/** The URL the gateway uses to reach node `to`. */
export function gatewayNodeUrl(config: ClusterConfig, to: string): string {
  if (config.links.mode === 'direct') return nodeSpec(config, to).url;
  return `${clientScheme(config)}://${config.links.proxyHost}:${config.links.proxyBasePort + nodeNumber(to)}`;
}

export function gatewayUrl(config: ClusterConfig): string {
  return `${clientScheme(config)}://${config.gateway.host}:${config.gateway.port}`;
}

/** The scheme of the client APIs' URLs (nodes, gateway, its links): https with client TLS on. */
export function clientScheme(config: Pick<ClusterFileConfig, 'security'>): 'http' | 'https' {
  return config.security.clientTls ? 'https' : 'http';
}

/** Election timeout and heartbeat in ticks, for the pure core. */
export function raftTicks(config: ClusterConfig): { electionTicksMin: number; electionTicksMax: number; heartbeatTicks: number } {
  const t = config.raft.tickMs;
  return {
    electionTicksMin: Math.max(2, Math.round(config.raft.electionTimeoutMsMin / t)),
    electionTicksMax: Math.max(3, Math.round(config.raft.electionTimeoutMsMax / t)),
    heartbeatTicks: Math.max(1, Math.round(config.raft.heartbeatIntervalMs / t)),
  };
}
