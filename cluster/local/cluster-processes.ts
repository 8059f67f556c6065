import { gatewayUrl, repoRoot, type ClusterConfig } from '../config.ts';
import { linkSpecs } from '../links.ts';
import type { ProcessSpec } from './process-manager.ts';

/**
 * The processes of one local cluster, as specs for the process manager. Children get their
 * configuration the only supported way, through loadConfig()'s environment overrides; the
 * values that make this cluster this cluster are pinned in every spec, so a restart by a later
 * invocation (whose environment may differ) rejoins the same cluster.
 */

export const gatewayName = 'gateway';

export function clusterEnv(config: ClusterConfig, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    RAFT_NODES: String(config.nodeCount),
    RAFT_HOST: config.host,
    RAFT_BASE_PORT: String(config.basePort),
    GATEWAY_PORT: String(config.gateway.port),
    RAFT_DATA_DIR: config.dataDirAbs,
    RAFT_FSYNC: config.storage.fsync,
    RAFT_LINKS: config.links.mode,
    RAFT_PROXY_BASE_PORT: String(config.links.proxyBasePort),
    TOXIPROXY_URL: config.links.toxiproxyUrl,
    RAFT_AUTH: String(config.security.auth),
    RAFT_PEER_TLS: String(config.security.peerTls),
    RAFT_CLIENT_TLS: String(config.security.clientTls),
    ...extra,
  };
}

/**
 * V8 flags for every node and gateway process: the young generation capped at 4 MB semi-spaces
 * (V8's default grows to 16 MB): shorter scavenges, a shorter tail (docs/perf/2026-11-27-write-path-costs.md).
 */
export const runtimeFlags: readonly string[] = ['--max-semi-space-size=4'];

export function nodeProcessSpec(env: Readonly<Record<string, string>>, id: string): ProcessSpec {
  return { name: id, command: process.execPath, args: [...runtimeFlags, '--import', 'tsx', 'cluster/node/main.ts', '--id', id], cwd: repoRoot, env };
}

export function gatewayProcessSpec(env: Readonly<Record<string, string>>): ProcessSpec {
  return { name: gatewayName, command: process.execPath, args: [...runtimeFlags, '--import', 'tsx', 'cluster/gateway/main.ts'], cwd: repoRoot, env };
}

/** Every port the cluster listens on, with who listens there (proxy link ports included). */
export function clusterPorts(config: ClusterConfig): { port: number; owner: string }[] {
  const ports = [...config.nodes.map((n) => ({ port: n.port, owner: n.id })), { port: config.gateway.port, owner: gatewayName }];
  if (config.links.mode === 'toxiproxy') {
    for (const link of linkSpecs(config)) ports.push({ port: Number(link.listen.split(':').pop()), owner: `proxy ${link.name}` });
  }
  return ports;
}

export function clusterUrls(config: ClusterConfig): { gateway: string; nodes: { id: string; url: string }[] } {
  return { gateway: gatewayUrl(config), nodes: config.nodes.map((n) => ({ id: n.id, url: n.url })) };
}
