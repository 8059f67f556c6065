// The containerised cluster, mirroring the local commands:
//   just images [--offline|--online]
//   [RAFT_SYNC_LEDGER=1 [RAFT_FSYNC_DELAY_MS=15]] just up --runtime docker [--nodes N] [--fsync always|never] [--grafana]
//   just status|down|clean --runtime docker      just logs --runtime docker [service] [--lines N]
// Compose runs the containers (docker-compose.yml, plus a generated override for --nodes N);
// the cluster's record, images choice, fault ledger and node data (nodes/) live under <data dir>/docker/.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { intOption, parseCliArgs, UsageError } from '../common/cli-usage.ts';
import { fetchAllStatuses, fetchGatewayStatus, leaderOf } from '../local/cluster-probe.ts';
import { linksSummary } from '../local/toxiproxy-member.ts';
import { gatewayUrl } from '../config.ts';
import { containerConfig } from './compose-file.ts';
import {
  assertDockerAnswers, compose, dockerDir, dockerRuntime, DockerClusterError, hostConfig, hostPortEnv, projectName, readImagesEnv,
  readRecord, removeRecord, runCompose, writeRecord, type DockerClusterRecord,
} from './docker-cluster.ts';
import { committed, writeOverride } from './generated-files.ts';
import { buildImages, imageExists, writeImagesEnv } from './images.ts';
import { imagesEnvPath } from './docker-cluster.ts';
import { raiseDockerCpuWeight } from './cpu-weight.ts';
import { prepareContainerSecurity, prepareNodeDataRoot } from './container-security.ts';
import Docker from 'dockerode';
import { composeLabels } from '../../chaos/runtime/docker.ts';

const readyTimeoutMs = 90_000;

export async function dockerCli(verb: string | undefined, rest: string[]): Promise<number> {
  switch (verb) {
    case 'images': return images(rest);
    case 'up': return up(rest);
    case 'status': return status(rest);
    case 'down': return down(rest);
    case 'logs': return logs(rest);
    case 'clean': return clean(rest);
    default: throw new UsageError(`unknown command "${verb}" for --runtime docker (images, up, status, down, logs, clean)`);
  }
}

function noPositionals(verb: string, positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`${verb}: unexpected argument "${positionals[0]}"`);
}

async function images(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { offline: { type: 'boolean' }, online: { type: 'boolean' } });
  noPositionals('images', positionals);
  if (values.offline && values.online) throw new UsageError('images: --offline or --online, not both');
  await assertDockerAnswers();
  const choice = await buildImages(values.offline ? 'offline' : values.online ? 'online' : 'auto');
  const path = imagesEnvPath(dockerDir());
  writeImagesEnv(path, choice);
  console.log(`images ready: ${Object.entries(choice).map(([k, v]) => `${k}=${v}`).join(' ')} (recorded in ${path})`);
  return 0;
}

async function up(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { nodes: { type: 'string' }, fsync: { type: 'string' }, grafana: { type: 'boolean' } });
  noPositionals('up', positionals);
  return upWith({ ...values, nodeEnv: {} });
}

export interface DockerUpOptions {
  readonly nodes?: string;
  readonly fsync?: string;
  readonly grafana?: boolean;
  /** Node variables a run needs (an experiment's clusterEnv, e.g. RAFT_SYNC_LEDGER=1), recorded with the cluster. */
  readonly nodeEnv: Readonly<Record<string, string>>;
}

/** Node variables compose passes through (compose-file.ts storageEnv); others are refused. */
const nodeEnvKeys = ['RAFT_SYNC_LEDGER', 'RAFT_FSYNC_DELAY_MS'] as const;
function nodeEnvFrom(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(nodeEnvKeys.flatMap((k) => (env[k] !== undefined && env[k] !== '' ? [[k, env[k]!]] : [])));
}

function extraNodeEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const bad = Object.keys(env).filter((k) => !(nodeEnvKeys as readonly string[]).includes(k));
  if (bad.length > 0) throw new DockerClusterError('CLUSTER_STATE', `the docker nodes cannot be given ${bad.join(', ')} (compose passes ${nodeEnvKeys.join(', ')})`);
  return { ...env };
}

export async function upWith(opts: DockerUpOptions): Promise<number> {
  const values = opts;
  const nodes = intOption('nodes', values.nodes, 3, 1, 9);
  const fsync = values.fsync;
  if (fsync !== undefined && fsync !== 'always' && fsync !== 'never') throw new UsageError(`--fsync must be always or never, got "${fsync}"`);
  await assertDockerAnswers();
  const dir = dockerDir();
  const imagesEnv = readImagesEnv(dir);
  if (!imagesEnv || !imageExists(imagesEnv.PROJECT_IMAGE ?? '')) throw new DockerClusterError('IMAGES_MISSING', 'the project image is not built; run: npx just images');
  const project = projectName();
  const existing = readRecord(dir);
  if (existing && existing.project === project && existing.nodeCount !== nodes && (await projectContainers(project)).some((c) => c.State === 'running')) {
    throw new DockerClusterError('CLUSTER_STATE', `the docker cluster is up with ${existing.nodeCount} nodes, not ${nodes}; run "npx just down --runtime docker" first`);
  }
  const composeFiles = [committed.compose];
  if (nodes !== 3) composeFiles.push(writeOverride(join(dir, 'override'), containerConfig(nodes)));
  const nodesDir = prepareNodeDataRoot(dir);
  // As a local node inherits them from `up`'s environment; a run's own needs (opts) come on top.
  const nodeEnv = extraNodeEnv({ ...nodeEnvFrom(process.env), ...opts.nodeEnv });
  const env: Record<string, string> = {
    ...imagesEnv, ...hostPortEnv(nodes, { ...process.env, ...(fsync ? { RAFT_FSYNC: fsync } : {}) }),
    RAFT_SECURITY_DIR: dir, RAFT_NODES_DIR: nodesDir.path, ...nodeEnv,
  };
  const record: DockerClusterRecord = { project, nodeCount: nodes, composeFiles, env, clusterId: `compose-${project}`, startedAt: new Date().toISOString() };
  writeRecord(dir, { ...record, env: { ...env, RAFT_CLUSTER_ID: record.clusterId } });
  const saved = readRecord(dir)!;
  const config = hostConfig(saved, dir);
  const security = prepareContainerSecurity(config);
  if (security.warning) console.warn(security.warning);
  console.log(`security: auth ${config.security.auth ? 'on' : 'OFF'}, peer mTLS ${config.security.peerTls ? 'on' : 'OFF'} (${dir}/auth, ${dir}/tls${security.tokenCreated ? '; new admin token' : ''}${security.certsMade.length ? `; made ${security.certsMade.join(', ')}` : ''})`);
  if (nodesDir.warning) console.warn(nodesDir.warning);
  const nodeEnvNote = Object.entries(nodeEnv).map(([k, v]) => ` ${k}=${v}`).join('');
  console.log(`node data: ${nodesDir.path} (bind-mounted at /data)${nodeEnvNote}`);
  const weight = raiseDockerCpuWeight();
  if (weight) console.log(weight);
  const t0 = Date.now();
  console.log(`starting ${nodes} nodes + gateway + toxiproxy + prometheus + dashboard in compose project ${project} with "${compose().join(' ')}" (images ${env.PROJECT_IMAGE}, proxy ${env.TOXIPROXY_IMAGE})`);
  runCompose(saved, [...(values.grafana ? ['--profile', 'grafana'] : []), 'up', '-d', '--no-build']);
  const leader = await waitForLeader(config.nodes, readyTimeoutMs);
  console.log(`cluster up (docker): ${nodes} nodes, leader ${leader.id} (term ${leader.term}), fsync ${env.RAFT_FSYNC}, in ${Date.now() - t0} ms`);
  printUrls(saved, config);
  return 0;
}

async function waitForLeader(nodes: readonly { id: string; url: string }[], timeoutMs: number) {
  // A published port accepts before the container listens; undici then leaves the request
  // pending on an unreferenced socket with only the (unreferenced) abort timer, and node would
  // exit mid-await (code 13). This interval keeps the loop alive until the abort fires.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    return await pollForLeader(nodes, timeoutMs);
  } finally {
    clearInterval(keepAlive);
  }
}

async function pollForLeader(nodes: readonly { id: string; url: string }[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statuses = await fetchAllStatuses(nodes);
    const leader = leaderOf(statuses);
    if (leader && [...statuses.values()].every((s) => s !== null)) return leader;
    if (Date.now() > deadline) throw new DockerClusterError('CLUSTER_STATE', `no leader with every node answering after ${timeoutMs} ms; see: npx just logs --runtime docker`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function printUrls(record: DockerClusterRecord, config: ReturnType<typeof hostConfig>): void {
  console.log(`  gateway    ${gatewayUrl(config)}`);
  for (const n of config.nodes) console.log(`  ${n.id.padEnd(9)}  ${n.url}`);
  console.log(`  toxiproxy  ${config.links.toxiproxyUrl}`);
  console.log(`  prometheus http://127.0.0.1:${record.env.PROMETHEUS_PORT}   dashboard http://127.0.0.1:${record.env.DASHBOARD_PORT}`);
}

async function projectContainers(project: string): Promise<Docker.ContainerInfo[]> {
  return new Docker().listContainers({ all: true, filters: { label: [`${composeLabels.project}=${project}`] } });
}

async function status(args: string[]): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  noPositionals('status', positionals);
  await assertDockerAnswers();
  const dir = dockerDir();
  const record = readRecord(dir);
  if (!record) {
    console.log(`no docker cluster recorded in ${dir}; start one with: npx just up --runtime docker`);
    return 0;
  }
  const config = hostConfig(record, dir);
  const containers = await projectContainers(record.project);
  const runtime = dockerRuntime(record);
  const [statuses, gateway] = await Promise.all([fetchAllStatuses(config.nodes), fetchGatewayStatus(gatewayUrl(config))]);
  const leader = leaderOf(statuses);
  const rows: string[][] = [['SERVICE', 'CONTAINER', 'STATE', 'ROLE', 'TERM', 'COMMIT', 'URL']];
  const order = [...config.nodes.map((n) => n.id), 'gateway', 'toxiproxy', 'prometheus', 'dashboard', 'grafana'];
  for (const service of order) {
    const c = containers.find((x) => x.Labels[composeLabels.service] === service);
    if (!c && !config.nodes.some((n) => n.id === service)) continue;
    const node = config.nodes.find((n) => n.id === service);
    const st = node ? statuses.get(node.id) : null;
    const state = c ? (c.State === 'running' && /Paused/.test(c.Status) ? 'paused' : c.State) + (/\((healthy|unhealthy|health: starting)\)/.exec(c.Status)?.[0] ? ` ${/\(([^)]*)\)/.exec(c.Status)![1]}` : '') : 'absent';
    const url = node ? node.url : service === 'gateway' ? gatewayUrl(config) : service === 'toxiproxy' ? config.links.toxiproxyUrl
      : service === 'prometheus' ? `http://127.0.0.1:${record.env.PROMETHEUS_PORT}` : service === 'dashboard' ? `http://127.0.0.1:${record.env.DASHBOARD_PORT}` : '';
    const role = node ? (st ? st.state : 'no answer') : service === 'gateway' ? (gateway ? `-> ${gateway.leaderId ?? 'no leader'}` : 'no answer') : '';
    rows.push([service, c ? c.Id.slice(0, 12) : '-', state, role, st ? String(st.term) : '', st ? String(st.commitIndex) : '', url]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  console.log(leader ? `leader   ${leader.id} (term ${leader.term})` : 'leader   none');
  const links = await linksSummary(config.links.toxiproxyUrl);
  console.log(links
    ? `links    ${config.links.toxiproxyUrl}  ${links.proxies} proxies, ${links.disabled} disabled, ${links.toxics} toxics${links.toxics + links.disabled > 0 ? ' (faults active: npx just heal --runtime docker)' : ''}`
    : `links    ${config.links.toxiproxyUrl}  no answer: nodes cannot reach each other`);
  const cut = await runtime.network.leftovers().catch(() => null);
  if (cut && (cut.disconnected.length > 0 || cut.drops.length > 0)) {
    console.log(`network  ${cut.disconnected.length ? `disconnected: ${cut.disconnected.join(', ')}  ` : ''}${cut.drops.length ? `drop rules: ${cut.drops.map((d) => d.member).join(', ')}` : ''} (npx just heal --runtime docker)`);
  }
  return 0;
}

async function down(args: string[]): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  noPositionals('down', positionals);
  await assertDockerAnswers();
  const dir = dockerDir();
  const record = readRecord(dir) ?? { project: projectName(), composeFiles: [committed.compose], env: {} };
  const before = (await projectContainers(record.project)).length;
  runCompose(record, ['down', '--remove-orphans', '-t', '5']);
  removeRecord(dir);
  console.log(before === 0 ? 'nothing was running' : `removed ${before} container(s) of compose project ${record.project} (node data kept in ${join(dir, 'nodes')}: npx just clean --runtime docker wipes it)`);
  return 0;
}

async function logs(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { lines: { type: 'string' } });
  if (positionals.length > 1) throw new UsageError(`logs: one name at most, got ${positionals.join(' ')}`);
  const lines = intOption('lines', values.lines, 40, 1, 100_000);
  await assertDockerAnswers();
  const record = readRecord(dockerDir());
  if (!record) throw new DockerClusterError('CLUSTER_STATE', 'no docker cluster recorded; start one with: npx just up --runtime docker');
  const services = [...new Set((await projectContainers(record.project)).map((c) => c.Labels[composeLabels.service]!))];
  const name = positionals[0];
  if (name !== undefined && !services.includes(name)) throw new UsageError(`no container for "${name}" (services: ${services.join(', ')})`);
  process.stdout.write(runCompose(record, ['logs', '--no-color', '--tail', String(lines), ...(name ? [name] : [])]));
  return 0;
}

async function clean(args: string[]): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  noPositionals('clean', positionals);
  await assertDockerAnswers();
  const dir = dockerDir();
  const record = readRecord(dir) ?? { project: projectName(), composeFiles: [committed.compose], env: {} };
  runCompose(record, ['down', '-v', '--remove-orphans', '-t', '5']);
  // images.env stays: the images are still there.
  let entries: string[] = [];
  try { entries = readdirSync(dir); } catch { /* nothing there */ }
  for (const e of entries) if (e !== 'images.env') rmSync(join(dir, e), { recursive: true, force: true });
  console.log(`removed the containers of compose project ${record.project} and ${dir}, node data included (images kept)`);
  return 0;
}
