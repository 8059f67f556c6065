// A real local cluster for integration tests: free ports, a temp data dir, nodes and gateway
// started through the process manager, and cleanup that runs even when the test crashes.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'uvu';
import { gatewayUrl, loadConfig, type ClusterConfig } from '../cluster/config.ts';
import { gatewayName } from '../cluster/local/cluster-processes.ts';
import { fetchAllStatuses, fetchGatewayStatus, leaderOf, type GatewayStatus, type RaftStatus } from '../cluster/local/cluster-probe.ts';
import { tailFile } from '../cluster/local/log-tail.ts';
import { startCluster as startLocalCluster, stopAll } from '../cluster/local/local-cluster.ts';
import { findFreePortRange, PortInUseError } from '../cluster/local/port-check.ts';
import { ProcessManager, type ProcessInfo, type StopResult } from '../cluster/local/process-manager.ts';
import { ClusterNotReadyError, ProcessExitedError, waitForLeader } from '../cluster/local/wait-for-cluster.ts';

export interface StartClusterOptions {
  readonly nodes?: number;
  /** Extra environment for every child (e.g. RAFT_FSYNC, RAFT_ELECTION_TIMEOUT_MS_MIN). */
  readonly env?: Readonly<Record<string, string>>;
  /** The start's limit on an idle machine (default 20 s); scaled up with the load (readyLimitMs). */
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

/** One write through the gateway: its entryId when acknowledged (200), else null (refused, failed or timed out). */
export async function gatewayWrite(c: Pick<Cluster, 'gatewayUrl'>, data: unknown, o: { source: string; timeoutMs: number }): Promise<number | null> {
  try {
    const res = await fetch(`${c.gatewayUrl}/api/write`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data, source: o.source }),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    const body = await res.json() as { entryId?: unknown };
    return res.status === 200 && typeof body.entryId === 'number' ? body.entryId : null;
  } catch {
    return null;
  }
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

/**
 * How long a start may take: `idleMs` on an idle machine, times the load per core (up to 6×) on a
 * busy one, so a loaded shared machine does not fail cluster tests that would pass; the fast path
 * never waits for it. CLUSTER_READY_TIMEOUT_MS sets it outright.
 */
export function readyLimitMs(idleMs: number, env: NodeJS.ProcessEnv = process.env, load1 = loadavg()[0]!, cores = availableParallelism()): number {
  const fixed = Number(env.CLUSTER_READY_TIMEOUT_MS);
  if (Number.isInteger(fixed) && fixed > 0) return fixed;
  return Math.round(idleMs * Math.min(6, Math.max(1, load1 / cores)));
}

/** What the harness last saw of each process while a start was under way, for the error of a start that timed out. */
function watchStart(nodes: readonly { id: string; url: string }[], gatewayUrl: string): { stop(): { nodes: Map<string, RaftStatus | null>; gateway: GatewayStatus | null } } {
  let statuses = new Map<string, RaftStatus | null>(nodes.map((n) => [n.id, null]));
  let gateway: GatewayStatus | null = null;
  let running = true;
  void (async () => {
    // Once a second: a start on an idle machine is done before the first look.
    while (running) {
      await new Promise((r) => setTimeout(r, 1000));
      if (!running) break;
      const [st, gw] = await Promise.all([fetchAllStatuses(nodes), fetchGatewayStatus(gatewayUrl)]);
      if (running) { statuses = st; gateway = gw; }
    }
  })();
  return { stop: () => { running = false; return { nodes: statuses, gateway }; } };
}

/** The processes a timed-out start was waiting for: nodes that did not answer or lag the others, else the gateway, else every node. */
function notReady(seen: ReturnType<ReturnType<typeof watchStart>['stop']>): string[] {
  const silent = [...seen.nodes].filter(([, st]) => st === null).map(([id]) => id);
  if (silent.length > 0) return silent;
  const commit = Math.max(...[...seen.nodes.values()].map((st) => st!.commitIndex));
  const behind = [...seen.nodes].filter(([, st]) => (st!.lastApplied ?? st!.commitIndex) < commit).map(([id]) => id);
  if (behind.length > 0) return behind;
  if (leaderOf(seen.nodes) !== null && !(seen.gateway?.leader ?? seen.gateway?.leaderId)) return [gatewayName];
  return [...seen.nodes.keys()];
}

function describeNotReady(err: ClusterNotReadyError, names: readonly string[], manager: ProcessManager, limitMs: number): ClusterNotReadyError {
  const tails = names.map((name) => {
    const tail = tailFile(manager.logPath(name), 8).trimEnd();
    return `--- ${name}, last log lines:\n${tail || '(empty log)'}`;
  });
  const load = `load ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
  return new ClusterNotReadyError(`cluster start: ${names.join(', ')} not ready within ${limitMs} ms (${load}; CLUSTER_READY_TIMEOUT_MS sets the limit): ${err.message}\n${tails.join('\n')}`);
}

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
  const readyTimeoutMs = readyLimitMs(opts.readyTimeoutMs ?? 20_000);
  const watch = watchStart(config.nodes, `http://${config.gateway.host}:${config.gateway.port}`);
  try {
    await startLocalCluster(config, manager, { readyTimeoutMs, extraEnv: opts.env ?? {} });
    watch.stop();
  } catch (err) {
    const seen = watch.stop();
    live.delete(entry);
    // Logs are read before the data dir (which holds them) goes.
    const named = err instanceof ClusterNotReadyError ? describeNotReady(err, notReady(seen), manager, readyTimeoutMs) : err;
    rmSync(dataDir, { recursive: true, force: true });
    throw named;
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

/** What a file of experiment tests shares: its cluster and an empty runs folder. */
export interface ExperimentBench {
  readonly cluster: Cluster;
  readonly runsDir: string;
}

/**
 * Registers, on `suite`, a before hook that starts a real cluster (a 60 s start limit, grown with
 * load) and makes an empty runs folder, and an after hook that stops and removes both.
 */
export function experimentBench(suite: Test, opts: StartClusterOptions = {}): ExperimentBench {
  let cluster: Cluster | undefined;
  let runsDir = '';
  suite.before(async () => {
    cluster = await startCluster({ readyTimeoutMs: 60_000, ...opts });
    runsDir = mkdtempSync(join(tmpdir(), 'chaos-runs-'));
  });
  suite.after(async () => {
    await cluster?.stop();
    if (runsDir) rmSync(runsDir, { recursive: true, force: true });
  });
  return {
    get cluster() {
      if (!cluster) throw new Error('the cluster has not started (see the before hook\'s error)');
      return cluster;
    },
    get runsDir() { return runsDir; },
  };
}
