/**
 * `just bench <scenario> --runtime docker`: the bench's target is the gateway of the running
 * docker cluster (start it with `npx just up --runtime docker`), through its 127.0.0.1 port.
 * CPU per process is not read (the containers' processes are not ours to list); metrics are.
 */
import { UsageError } from '../common/cli-usage.ts';
import { gatewayUrl } from '../config.ts';
import type { BenchTarget, ClusterDescription } from '../../bench/cli/bench-target.ts';
import { dockerDir, readRecord } from './docker-cluster.ts';
import { hostConfig } from './docker-cluster.ts';
import { runningDockerCluster } from './docker-chaos.ts';

export async function dockerBenchTarget(log: (line: string) => void): Promise<BenchTarget> {
  const dir = dockerDir();
  const record = await runningDockerCluster(dir);
  if (!record) throw new UsageError(`no docker cluster is up (${readRecord(dir) ? 'its containers are stopped' : 'none recorded'}); start one: npx just up --runtime docker`);
  const config = hostConfig(record, dir);
  const fsync = config.storage.fsync;
  const cluster: ClusterDescription = {
    origin: 'local', via: 'gateway', runtime: 'docker', gatewayUrl: gatewayUrl(config),
    nodes: config.nodes.map((n) => ({ id: n.id, url: n.url })), fsync,
    config: { nodeCount: config.nodeCount, gateway: config.gateway, raft: config.raft, storage: config.storage, links: config.links, security: config.security },
    dataDir: null,
  };
  log(`docker cluster: compose project ${record.project}, ${record.nodeCount} nodes, images ${record.env.PROJECT_IMAGE} / ${record.env.TOXIPROXY_IMAGE}`);
  return {
    url: cluster.gatewayUrl, cluster,
    usage: () => ({ processes: [], metrics: [...cluster.nodes.map((n) => ({ name: n.id, url: n.url })), { name: 'gateway', url: cluster.gatewayUrl }] }),
    release: async () => undefined,
  };
}
