import { gatewayUrl, type ClusterConfig } from '../cluster/config.ts';

/** One Prometheus file_sd target group; `__node_id` becomes the `instance` label (prometheus.yml). */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface ScrapeTargets {
  /** targets/raft-node.json, job raft-node. */
  readonly raftNode: readonly TargetGroup[];
  /** targets/gateway.json, job gateway. */
  readonly gateway: readonly TargetGroup[];
}

function hostPort(url: string): string {
  return new URL(url).host;
}

/**
 * Targets from the one cluster configuration. Nodes are scraped on their own listen address,
 * never through the links proxy: a partitioned node must stay visible, or every partition would
 * look like a crash on the dashboards.
 */
export function scrapeTargets(config: ClusterConfig): ScrapeTargets {
  return {
    raftNode: config.nodes.map((n) => ({ targets: [hostPort(n.url)], labels: { __node_id: n.id } })),
    gateway: [{ targets: [hostPort(gatewayUrl(config))], labels: { __node_id: 'gateway' } }],
  };
}
