/**
 * The containerised cluster as the host sees it: which compose project and files, which
 * 127.0.0.1 ports, and the configuration the runner, benches and `just status` use to reach it
 * (nodes, gateway and proxy API through the published ports). Recorded at `up` under
 * <data dir>/docker/, beside the fault ledger of the docker runtime (<data dir>/docker/chaos/),
 * so every later command talks to the same cluster whatever its environment.
 */
import Docker from 'dockerode';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, repoRoot, type ClusterConfig } from '../config.ts';
import { DockerRuntime } from '../../chaos/runtime/docker.ts';
import { containerConfig, networkName } from './compose-file.ts';
import { run, works } from './exec.ts';
import { chownTree, containerUid } from './container-security.ts';

export interface DockerClusterRecord {
  readonly project: string;
  readonly nodeCount: number;
  /** Compose files in order (docker-compose.yml, then the --nodes override if any). */
  readonly composeFiles: readonly string[];
  /** Variables compose interpolates: images and host ports. */
  readonly env: Readonly<Record<string, string>>;
  readonly clusterId: string;
  readonly startedAt: string;
}

export class DockerClusterError extends Error {
  readonly code: 'DOCKER_UNAVAILABLE' | 'CLUSTER_STATE' | 'IMAGES_MISSING';
  constructor(code: DockerClusterError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** <data dir>/docker: the record, the generated override, images.env, the runtime's ledger. */
export function dockerDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(loadConfig(env).dataDirAbs, 'docker');
}

export const recordPath = (dir: string) => join(dir, 'cluster.json');
export const imagesEnvPath = (dir: string) => join(dir, 'images.env');

export function projectName(env: NodeJS.ProcessEnv = process.env): string {
  // compose 1.29 drops everything but [-_a-z0-9] from a project name; keep to that.
  const name = (env.COMPOSE_PROJECT_NAME ?? 'raftchaos').toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new DockerClusterError('CLUSTER_STATE', `COMPOSE_PROJECT_NAME must be lowercase letters, digits, - and _, got "${name}"`);
  return name;
}

export function readRecord(dir: string): DockerClusterRecord | null {
  try {
    return JSON.parse(readFileSync(recordPath(dir), 'utf8')) as DockerClusterRecord;
  } catch {
    return null;
  }
}

export function writeRecord(dir: string, record: DockerClusterRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(recordPath(dir), `${JSON.stringify(record, null, 2)}\n`);
}

export function removeRecord(dir: string): void {
  rmSync(recordPath(dir), { force: true });
}

export function readImagesEnv(dir: string): Record<string, string> | null {
  if (!existsSync(imagesEnvPath(dir))) return null;
  const out: Record<string, string> = {};
  for (const line of readFileSync(imagesEnvPath(dir), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Host ports from the same variables as the local cluster's (GATEWAY_PORT, RAFT_BASE_PORT, TOXIPROXY_URL, ...). */
export function hostPortEnv(nodeCount: number, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const base = loadConfig({ ...env, RAFT_NODES: String(nodeCount) });
  const out: Record<string, string> = {
    GATEWAY_PORT: String(base.gateway.port),
    TOXIPROXY_PORT: new URL(base.links.toxiproxyUrl).port || '8474',
    PROMETHEUS_PORT: env.PROMETHEUS_PORT ?? '9090',
    DASHBOARD_PORT: env.DASHBOARD_PORT ?? '8000',
    GRAFANA_PORT: env.GRAFANA_PORT ?? '3000',
    RAFT_FSYNC: base.storage.fsync,
    // Security as the local runtime reads it (config, RAFT_AUTH, RAFT_PEER_TLS); containers get the same.
    RAFT_AUTH: String(base.security.auth),
    RAFT_PEER_TLS: String(base.security.peerTls),
    RAFT_CLIENT_TLS: String(base.security.clientTls),
  };
  base.nodes.forEach((n) => { out[`${n.id.toUpperCase()}_PORT`] = String(n.port); });
  if (env.RAFT_SUBNET_PREFIX) out.RAFT_SUBNET_PREFIX = env.RAFT_SUBNET_PREFIX;
  return out;
}

/** The cluster as the host reaches it: nodes, gateway and proxy API on 127.0.0.1. */
export function hostConfig(record: DockerClusterRecord, dir: string): ClusterConfig {
  const e = record.env;
  return loadConfig({
    ...process.env, RAFT_CONFIG: '', RAFT_HOST: '127.0.0.1', RAFT_NODES: String(record.nodeCount), RAFT_BASE_PORT: e.NODE1_PORT,
    GATEWAY_PORT: e.GATEWAY_PORT, TOXIPROXY_URL: `http://127.0.0.1:${e.TOXIPROXY_PORT}`, RAFT_LINKS: 'toxiproxy',
    RAFT_DATA_DIR: dir, RAFT_CLUSTER_ID: record.clusterId, RAFT_FSYNC: e.RAFT_FSYNC,
    // Records from before security existed name none: the containers then ran with the defaults (on).
    RAFT_AUTH: e.RAFT_AUTH ?? 'true', RAFT_PEER_TLS: e.RAFT_PEER_TLS ?? 'true', RAFT_CLIENT_TLS: e.RAFT_CLIENT_TLS ?? 'false',
  });
}

/**
 * `docker compose` (v2 plugin) when it runs, else Debian's docker-compose 1.29; RAFT_COMPOSE=v1|v2
 * picks one (both read the same file; container names differ, members are found by label).
 */
let composeCommand: [string, ...string[]] | null = null;
export function compose(env: NodeJS.ProcessEnv = process.env): [string, ...string[]] {
  if (composeCommand) return composeCommand;
  const pick = env.RAFT_COMPOSE ?? '';
  if (pick !== '' && pick !== 'v1' && pick !== 'v2') throw new DockerClusterError('CLUSTER_STATE', `RAFT_COMPOSE must be v1 (docker-compose) or v2 (docker compose), got "${pick}"`);
  if (pick === 'v2' && !works('docker', ['compose', 'version'])) throw new DockerClusterError('DOCKER_UNAVAILABLE', 'RAFT_COMPOSE=v2 but `docker compose` does not run; tools/test-setup.d/20-docker.sh installs it');
  if (pick === 'v1' && !works('docker-compose', ['version'])) throw new DockerClusterError('DOCKER_UNAVAILABLE', 'RAFT_COMPOSE=v1 but `docker-compose` does not run; apt-get install docker-compose');
  if (pick === 'v1') composeCommand = ['docker-compose'];
  else if (works('docker', ['compose', 'version'])) composeCommand = ['docker', 'compose'];
  else if (works('docker-compose', ['version'])) composeCommand = ['docker-compose'];
  else throw new DockerClusterError('DOCKER_UNAVAILABLE', 'neither `docker compose` nor `docker-compose` runs; install docker-compose (apt-get install docker-compose)');
  return composeCommand;
}

export function composeArgs(record: Pick<DockerClusterRecord, 'project' | 'composeFiles'>, ...rest: string[]): string[] {
  return [...compose().slice(1), '-p', record.project, ...record.composeFiles.flatMap((f) => ['-f', f]), ...rest];
}

export function runCompose(record: Pick<DockerClusterRecord, 'project' | 'composeFiles' | 'env'>, args: string[], timeoutMs = 600_000): string {
  // Without BuildKit: compose 1.29 fails with it set (no buildx component).
  return run(compose()[0], composeArgs(record, ...args), { cwd: repoRoot, env: { ...process.env, ...record.env, DOCKER_BUILDKIT: '0', COMPOSE_DOCKER_CLI_BUILD: '0' }, timeoutMs });
}

/** Fails with one line when the engine does not answer (dockerd not started, no socket access). */
export async function assertDockerAnswers(docker = new Docker()): Promise<void> {
  try {
    await Promise.race([docker.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 5 s')), 5000))]);
  } catch (err) {
    throw new DockerClusterError('DOCKER_UNAVAILABLE', `the Docker engine does not answer (${(err as Error).message}); start it: dockerd >/tmp/dockerd.log 2>&1 &`);
  }
}

/** The members the runtime controls: nodes, gateway and the proxy (not prometheus or the dashboard). */
export function memberServices(nodeCount: number): string[] {
  return [...containerConfig(nodeCount).nodes.map((n) => n.id), 'gateway', 'toxiproxy'];
}

export function dockerRuntime(record: Pick<DockerClusterRecord, 'project' | 'nodeCount'> & { readonly env?: DockerClusterRecord['env'] }, docker?: Docker): DockerRuntime {
  const nodes = containerConfig(record.nodeCount).nodes.map((n) => n.id);
  // Records from before the bind mounts name no RAFT_NODES_DIR: their data sits in named volumes.
  const nodesDir = record.env?.RAFT_NODES_DIR ?? null;
  const dataDir = (service: string) => (nodesDir !== null && nodes.includes(service) ? join(nodesDir, service) : null);
  return new DockerRuntime({
    ...(docker ? { docker } : {}), project: record.project, services: memberServices(record.nodeCount), network: networkName, dataDir,
    beforeStart: (service) => {
      const dir = dataDir(service);
      if (dir !== null && process.getuid?.() === 0 && existsSync(dir)) chownTree(dir, containerUid);
    },
  });
}

/** The proxy's listen port (inside the network) of the link from -> to. */
export function linkPortFor(nodeCount: number): (from: string, to: string) => number {
  const c = containerConfig(nodeCount);
  const n = (id: string) => Number(id.replace(/^node/, ''));
  return (from, to) => c.links.proxyBasePort + 10 * n(from) + n(to);
}
