// A real local cluster for integration tests: free ports, a temp data dir, nodes and gateway
// started through the process manager, and cleanup that runs even when the test crashes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayUrl, loadConfig, type ClusterConfig } from '../cluster/config.ts';
import { gatewayName } from '../cluster/local/cluster-processes.ts';
import { fetchAllStatuses, leaderOf, type RaftStatus } from '../cluster/local/cluster-probe.ts';
import { startCluster as startLocalCluster, stopAll } from '../cluster/local/local-cluster.ts';
import { findFreePortRange, PortInUseError } from '../cluster/local/port-check.ts';
import { ProcessManager, type ProcessInfo, type StopResult } from '../cluster/local/process-manager.ts';
import { ProcessExitedError, waitForLeader } from '../cluster/local/wait-for-cluster.ts';

export interface StartClusterOptions {
  readonly nodes?: number;
  /** Extra environment for every child (e.g. RAFT_FSYNC, RAFT_ELECTION_TIMEOUT_MS_MIN). */
  readonly env?: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
}

export interface Cluster {
  readonly config: ClusterConfig;
  readonly dataDir: string;
  readonly gatewayUrl: string;
  readonly nodeIds: readonly string[];
  readonly manager: ProcessManager;
  nodeUrl(id: string): string;
  logPath(name: string): string;
  /** Every node's /raft/status; null for a node that does not answer (down, paused). */
  status(): Promise<Map<string, RaftStatus | null>>;
  /** The leader of the highest term any answering node knows, or null right now. */
  leader(): Promise<string | null>;
  /** Polls until a node (not in `exclude`) leads the highest known term; bounded. */
  waitForLeader(opts?: { exclude?: readonly string[]; timeoutMs?: number }): Promise<string>;
  kill(id: string): Promise<StopResult>;
  /** SIGTERM (SIGKILL after a grace period) without starting again. */
  stopNode(id: string): Promise<StopResult>;
  startNode(id: string): Promise<ProcessInfo>;
  restart(id: string): Promise<ProcessInfo>;
  pause(id: string): Promise<ProcessInfo>;
  resume(id: string): Promise<ProcessInfo>;
  /** Stops every process and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
}

const live = new Set<{ manager: ProcessManager; dataDir: string }>();
let exitHookInstalled = false;

/**
 * `exit` handlers must be synchronous: SIGKILL whatever is still recorded, then remove the dir.
 * SIGINT/SIGTERM are routed through exit so Ctrl-C cleans up too. Children also share the test
 * process's group (ownGroup: false), so a runner that kills the group takes them along.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) {
      for (const p of c.manager.list()) if (p.alive) try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
      rmSync(c.dataDir, { recursive: true, force: true });
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
}

const maxPortAttempts = 4;

export async function startCluster(opts: StartClusterOptions = {}): Promise<Cluster> {
  installExitHook();
  const nodes = opts.nodes ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(nodes, opts);
    } catch (err) {
      // Another test may take a port between our check and the child's listen; try new ports.
      const portRace = err instanceof PortInUseError || (err instanceof ProcessExitedError && /EADDRINUSE/.test(err.message));
      if (!portRace || attempt >= maxPortAttempts) throw err;
    }
  }
}

async function startOnce(nodes: number, opts: StartClusterOptions): Promise<Cluster> {
  // Node and gateway ports, then the proxy link ports (proxyBase + 10*i + j, proxyBase + j) and
  // the proxy's own API port, all from one free range so they cannot overlap.
  const proxyRange = 10 * (nodes + 1) + 2;
  const basePort = await findFreePortRange(nodes + 1 + proxyRange);
  const proxyBasePort = basePort + nodes + 1;
  const dataDir = mkdtempSync(join(tmpdir(), 'raft-cluster-'));
  const manager = new ProcessManager(dataDir, { ownGroup: false, stopTimeoutMs: 3000 });
  const entry = { manager, dataDir };
  live.add(entry);
  const config = loadConfig({
    ...process.env, ...opts.env,
    RAFT_NODES: String(nodes), RAFT_BASE_PORT: String(basePort), GATEWAY_PORT: String(basePort + nodes), RAFT_DATA_DIR: dataDir,
    RAFT_PROXY_BASE_PORT: String(proxyBasePort), TOXIPROXY_URL: `http://127.0.0.1:${proxyBasePort + proxyRange - 1}`,
  });
  const readyTimeoutMs = opts.readyTimeoutMs ?? 20_000;
  try {
    await startLocalCluster(config, manager, { readyTimeoutMs, extraEnv: opts.env ?? {} });
  } catch (err) {
    live.delete(entry);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const nodeList = config.nodes.map((n) => ({ id: n.id, url: n.url }));
  const knownNode = (id: string) => {
    if (!nodeList.some((n) => n.id === id)) throw new Error(`unknown node "${id}" (nodes: ${nodeList.map((n) => n.id).join(', ')})`);
    return id;
  };
  let stopped = false;
  return {
    config, dataDir, manager,
    gatewayUrl: gatewayUrl(config),
    nodeIds: nodeList.map((n) => n.id),
    nodeUrl: (id) => nodeList.find((n) => n.id === knownNode(id))!.url,
    logPath: (name) => manager.logPath(name === gatewayName ? name : knownNode(name)),
    status: () => fetchAllStatuses(nodeList),
    leader: async () => leaderOf(await fetchAllStatuses(nodeList))?.id ?? null,
    waitForLeader: async (o = {}) => (await waitForLeader(nodeList, { timeoutMs: o.timeoutMs ?? 10_000, exclude: o.exclude ?? [] })).id,
    kill: (id) => manager.kill(knownNode(id)),
    stopNode: (id) => manager.stop(knownNode(id)),
    startNode: (id) => manager.start(knownNode(id)),
    restart: (id) => manager.restart(knownNode(id)),
    pause: (id) => manager.pause(knownNode(id)),
    resume: (id) => manager.resume(knownNode(id)),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      try {
        await stopAll(manager);
      } finally {
        live.delete(entry);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
