// The local cluster: just up [--nodes N] [--fsync always|never] | status | down | logs [name] [--lines N] | clean
// Processes run detached; their pids, logs and the cluster's shape live under the data dir
// (RAFT_DATA_DIR, default data/), so each verb is a separate, stateless invocation.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, relative } from 'node:path';
import { intOption, parseCliArgs, runCli, UsageError } from '../common/cli-usage.ts';
import { loadConfig, repoRoot, type ClusterConfig } from '../config.ts';
import { clusterPorts, gatewayName } from './cluster-processes.ts';
import { fetchAllStatuses, fetchGatewayStatus } from './cluster-probe.ts';
import { readClusterRecord, removeClusterRecord, type ClusterRecord } from './cluster-record.ts';
import { startCluster, stopAll, waitUntilReady } from './local-cluster.ts';
import { tailFile } from './log-tail.ts';
import { assertPortsFree } from './port-check.ts';
import { ProcessManager, type StopResult } from './process-manager.ts';
import { formatStatusTable, processLabel } from './status-table.ts';
import { linksSummary, toxiproxyName } from './toxiproxy-member.ts';
import { takeRuntimeFlag } from '../common/runtime-flag.ts';
import { clusterCommand } from '../common/runtime-commands.ts';

const readyTimeoutMs = 15_000;
const verbs = ['up', 'status', 'down', 'logs', 'clean'] as const;

class ClusterStateError extends Error {
  readonly code = 'CLUSTER_STATE';
}

await runCli(async () => {
  const [verb, ...args] = process.argv.slice(2);
  const { runtime, rest } = takeRuntimeFlag(args);
  if (runtime !== 'local') return clusterCommand.run(runtime, verb, rest);
  switch (verb) {
    case 'up': return up(rest);
    case 'status': return status(rest);
    case 'down': return down(rest);
    case 'logs': return logs(rest);
    case 'clean': return clean(rest);
    default:
      throw new UsageError(verb === undefined ? `which command? (${verbs.join(', ')})` : `unknown command "${verb}" (commands: ${verbs.join(', ')})`);
  }
});

function noPositionals(verb: string, positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`${verb}: unexpected argument "${positionals[0]}"`);
}

function managerFor(config: ClusterConfig): ProcessManager {
  return new ProcessManager(config.dataDirAbs);
}

function printUrls(record: ClusterRecord, manager: ProcessManager): void {
  console.log(`  gateway  ${record.gatewayUrl}`);
  for (const n of record.nodes) console.log(`  ${n.id.padEnd(7)}  ${n.url}`);
  console.log(`  logs     ${manager.logDir}  (just logs [name])`);
}

async function up(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { nodes: { type: 'string' }, fsync: { type: 'string' } });
  noPositionals('up', positionals);
  const nodes = values.nodes === undefined ? undefined : intOption('nodes', values.nodes, 3, 1, 9);
  const fsync = values.fsync;
  if (fsync !== undefined && fsync !== 'always' && fsync !== 'never') throw new UsageError(`--fsync must be always or never, got "${fsync}"`);
  const config = loadConfig({
    ...process.env, ...(nodes !== undefined ? { RAFT_NODES: String(nodes) } : {}), ...(fsync !== undefined ? { RAFT_FSYNC: fsync } : {}),
  });
  const manager = managerFor(config);
  const running = manager.list().filter((p) => p.alive);
  const existing = readClusterRecord(manager.runDir);

  if (running.length > 0) {
    if (!existing) throw new ClusterStateError(`processes are running (${running.map((p) => p.name).join(', ')}) but no cluster record exists in ${manager.runDir}; run: just down`);
    // Only an explicit request can conflict with what runs; a bare `up` accepts the running cluster.
    const wantNodes = nodes ?? (process.env.RAFT_NODES ? config.nodeCount : undefined);
    if (wantNodes !== undefined && wantNodes !== existing.nodeCount) {
      throw new ClusterStateError(`cluster is already up with ${existing.nodeCount} nodes, not ${wantNodes}; run "just down" first`);
    }
    const wantFsync = fsync ?? (process.env.RAFT_FSYNC ? config.storage.fsync : undefined);
    if (wantFsync !== undefined && wantFsync !== existing.fsync) {
      throw new ClusterStateError(`cluster is already up with fsync ${existing.fsync}, not ${wantFsync}; run "just down" first`);
    }
    const names = [...existing.nodes.map((n) => n.id), gatewayName];
    const missing = names.filter((name) => !manager.record(name) || !manager.info(name).alive);
    if (missing.length === 0) {
      console.log(`cluster is already up (${existing.nodeCount} nodes, fsync ${existing.fsync})`);
      printUrls(existing, manager);
      return 0;
    }
    // Partly up: start just the missing processes with their recorded commands.
    const ports = clusterPorts(loadConfig({ ...process.env, ...existing.env })).filter((p) => missing.includes(p.owner));
    await assertPortsFree(ports, config.host);
    for (const name of missing) await manager.start(name);
    const { leader } = await waitUntilReady(existing, manager, readyTimeoutMs);
    console.log(`cluster was partly up; started ${missing.join(', ')}; leader ${leader.id} (term ${leader.term})`);
    printUrls(existing, manager);
    return 0;
  }

  // Nothing runs: records left by a crashed or killed cluster are history, not state.
  for (const name of manager.names()) manager.forget(name);
  removeClusterRecord(manager.runDir);
  const { record, leader } = await startCluster(config, manager, { readyTimeoutMs });
  console.log(`cluster up: ${record.nodeCount} nodes, leader ${leader.id} (term ${leader.term}), fsync ${record.fsync}, data ${config.dataDirAbs}`);
  printUrls(record, manager);
  return 0;
}

async function status(args: string[]): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  noPositionals('status', positionals);
  const config = loadConfig();
  const manager = managerFor(config);
  const record = readClusterRecord(manager.runDir);
  if (!record) {
    const running = manager.list().filter((p) => p.alive);
    console.log(`no local cluster in ${config.dataDirAbs}${running.length ? ` (but running: ${running.map((p) => p.name).join(', ')})` : ''}; start one with: just up`);
    return 0;
  }
  const processes = new Map(manager.list().map((p) => [p.name, p]));
  const [statuses, gateway] = await Promise.all([fetchAllStatuses(record.nodes), fetchGatewayStatus(record.gatewayUrl)]);
  console.log(formatStatusTable({
    nodes: record.nodes, statuses, processes, gatewayUrl: record.gatewayUrl, gateway, gatewayProcess: processes.get(gatewayName),
  }));
  if (record.env.RAFT_LINKS === 'toxiproxy') {
    const url = record.env.TOXIPROXY_URL ?? config.links.toxiproxyUrl;
    const links = await linksSummary(url);
    const proc = processes.get(toxiproxyName);
    const owner = proc?.alive ? `pid ${proc.pid} ${processLabel(proc)}` : 'external';
    console.log(links
      ? `links    ${url}  ${owner}  ${links.proxies} proxies, ${links.disabled} disabled, ${links.toxics} toxics${links.toxics + links.disabled > 0 ? ' (faults active: just heal)' : ''}`
      : `links    ${url}  no answer: nodes cannot reach each other`);
  }
  return 0;
}

function describeStop(r: StopResult): string {
  if (!r.wasRunning) return `${r.name} was not running`;
  return `stopped ${r.name} (pid ${r.pid}${r.signal === 'SIGKILL' ? ', needed SIGKILL' : ''})`;
}

async function stopEverything(config: ClusterConfig): Promise<StopResult[]> {
  const manager = managerFor(config);
  const results = await stopAll(manager);
  removeClusterRecord(manager.runDir);
  return results;
}

async function down(args: string[]): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  noPositionals('down', positionals);
  const results = await stopEverything(loadConfig());
  if (results.every((r) => !r.wasRunning)) console.log('nothing was running');
  else for (const r of results) console.log(describeStop(r));
  return 0;
}

async function logs(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { lines: { type: 'string' } });
  if (positionals.length > 1) throw new UsageError(`logs: one name at most, got ${positionals.join(' ')}`);
  const lines = intOption('lines', values.lines, 40, 1, 100_000);
  const manager = managerFor(loadConfig());
  let available: string[] = [];
  try {
    available = readdirSync(manager.logDir).filter((f) => f.endsWith('.log')).map((f) => f.slice(0, -4))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  } catch { /* no logs yet */ }
  const name = positionals[0];
  if (name !== undefined) {
    if (!available.includes(name)) throw new UsageError(`no log for "${name}" (${available.length ? `logs: ${available.join(', ')}` : `none in ${manager.logDir}`})`);
    console.log(tailFile(manager.logPath(name), lines));
    return 0;
  }
  if (available.length === 0) {
    console.log(`no logs in ${manager.logDir}`);
    return 0;
  }
  for (const n of available) console.log(`==> ${n} (${manager.logPath(n)}) <==\n${tailFile(manager.logPath(n), lines)}\n`);
  return 0;
}

/** True when `dir` lies strictly inside `root` (both resolved through symlinks). */
function isInside(dir: string, root: string): boolean {
  const rel = relative(realpathSync(root), dir);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Whether git tracks anything under `dir`; when git cannot tell, assume it does. */
function tracksFiles(dir: string): boolean {
  try {
    return execFileSync('git', ['ls-files', '--', dir], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
  } catch {
    return true;
  }
}

async function clean(args: string[]): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  noPositionals('clean', positionals);
  const config = loadConfig();
  const dir = config.dataDirAbs;
  if (!existsSync(dir)) {
    console.log(`nothing to clean (${dir} does not exist)`);
    return 0;
  }
  // Refuse before stopping anything: a misconfigured RAFT_DATA_DIR must not cost a wipe of /home.
  const real = realpathSync(dir);
  if (!isInside(real, repoRoot) && !isInside(real, tmpdir())) {
    throw new ClusterStateError(`refusing to wipe ${dir}: it is neither inside the repository nor inside ${tmpdir()}`);
  }
  if (isInside(real, repoRoot) && tracksFiles(real)) {
    throw new ClusterStateError(`refusing to wipe ${dir}: git tracks files in it`);
  }
  for (const r of await stopEverything(config)) if (r.wasRunning) console.log(describeStop(r));
  rmSync(real, { recursive: true, force: true });
  console.log(`removed ${dir}`);
  return 0;
}
