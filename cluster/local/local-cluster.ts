import { ensureSecurityMaterial } from '../auth/security-material.ts';
import { gatewayUrl, type ClusterConfig } from '../config.ts';
import { clusterEnv, clusterPorts, gatewayName, gatewayProcessSpec, nodeProcessSpec } from './cluster-processes.ts';
import type { GatewayStatus, RaftStatus } from './cluster-probe.ts';
import { removeClusterRecord, writeClusterRecord, type ClusterRecord } from './cluster-record.ts';
import { assertPortsFree } from './port-check.ts';
import { ensureToxiproxy, toxiproxyAnswers } from './toxiproxy-member.ts';
import type { ProcessManager, StopResult } from './process-manager.ts';
import { waitForGateway, waitForLeader, waitForNodesCaughtUp } from './wait-for-cluster.ts';

/**
 * Starting and stopping a whole local cluster through a process manager; shared by the CLI and
 * the integration-test harness so both start the cluster the same way.
 */

export interface ClusterReady {
  readonly record: ClusterRecord;
  readonly leader: RaftStatus;
  readonly gateway: GatewayStatus;
}

export interface StartClusterOptions {
  /** Added to every child's environment (and recorded, so restarts keep it). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  readonly readyTimeoutMs: number;
}

/**
 * Checks every port, starts the nodes and then the gateway, and waits for a leader and for the
 * gateway to know it. On any failure it stops whatever it started and drops the cluster record
 * (logs stay), so a failed start never looks like a running cluster; then it rethrows.
 */
export async function startCluster(config: ClusterConfig, manager: ProcessManager, opts: StartClusterOptions): Promise<ClusterReady> {
  // A proxy that already answers (the user's, or one left running) keeps its own listen ports.
  const proxyRunning = config.links.mode === 'toxiproxy' && (await toxiproxyAnswers(config.links.toxiproxyUrl));
  const ports = clusterPorts(config).filter((p) => !(proxyRunning && p.owner.startsWith('proxy ')));
  await assertPortsFree(ports, config.host);
  ensureSecurityMaterial(config);
  const env = clusterEnv(config, opts.extraEnv);
  const record: ClusterRecord = {
    nodeCount: config.nodeCount, nodes: config.nodes.map((n) => ({ id: n.id, url: n.url })), gatewayUrl: gatewayUrl(config),
    fsync: config.storage.fsync, env, startedAtMs: Date.now(),
  };
  writeClusterRecord(manager.runDir, record);
  try {
    // Links first: a node that starts before its proxies exist cannot reach its peers.
    if (config.links.mode === 'toxiproxy') await ensureToxiproxy(config, manager);
    for (const n of config.nodes) await manager.start(nodeProcessSpec(env, n.id));
    await manager.start(gatewayProcessSpec(env));
    return { record, ...(await waitUntilReady(record, manager, opts.readyTimeoutMs)) };
  } catch (err) {
    await stopAll(manager).catch(() => []);
    removeClusterRecord(manager.runDir);
    throw err;
  }
}

/**
 * Waits for a leader, for every node to answer and apply what the leader had committed, then for
 * the gateway; fails early, naming it, if any of the cluster's processes exits.
 */
export async function waitUntilReady(record: ClusterRecord, manager: ProcessManager, timeoutMs: number): Promise<{ leader: RaftStatus; gateway: GatewayStatus }> {
  const deadline = Date.now() + timeoutMs;
  const watch = [...record.nodes.map((n) => n.id), gatewayName];
  const leader = await waitForLeader(record.nodes, { timeoutMs, manager, watch });
  await waitForNodesCaughtUp(record.nodes, leader.commitIndex, { timeoutMs: Math.max(0, deadline - Date.now()), manager, watch });
  const gateway = await waitForGateway(record.gatewayUrl, { timeoutMs: Math.max(0, deadline - Date.now()), manager, watch });
  return { leader, gateway };
}

/** Stops every recorded process that is running (gateway and nodes together) and forgets them all. */
export async function stopAll(manager: ProcessManager): Promise<StopResult[]> {
  const names = manager.names();
  const results = await Promise.all(names.map((name) => manager.stop(name)));
  for (const name of names) manager.forget(name);
  return results;
}
