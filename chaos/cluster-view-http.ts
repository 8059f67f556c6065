/**
 * ClusterView over the nodes' direct URLs (never through the proxies, so watching the cluster
 * is not itself subject to the faults being injected).
 *
 * Exports: `HttpClusterView` (implements ClusterView), `clusterViewFromConfig(config)`.
 *
 * Every status request has a short deadline: a paused node accepts the connection (the kernel
 * does) but never answers, and must show as reachable:false, not hang the caller.
 */
import type { ClusterConfig } from '../cluster/config.ts';
import { fetchAllStatuses, leaderOf } from '../cluster/local/cluster-probe.ts';
import type { ClusterView, NodeStatusView } from './cluster-view.ts';

export interface NodeAddress {
  readonly id: string;
  readonly url: string;
}

export const statusTimeoutMsDefault = 500;

export class HttpClusterView implements ClusterView {
  readonly nodeIds: readonly string[];

  constructor(readonly nodes: readonly NodeAddress[], private readonly timeoutMs = statusTimeoutMsDefault) {
    this.nodeIds = nodes.map((n) => n.id);
  }

  nodeUrl(id: string): string | null {
    return this.nodes.find((n) => n.id === id)?.url ?? null;
  }

  async statuses(): Promise<NodeStatusView[]> {
    const all = await fetchAllStatuses(this.nodes, this.timeoutMs);
    return this.nodes.map(({ id }) => {
      const st = all.get(id) ?? null;
      if (!st) return { id, reachable: false, state: null, term: null, leader: null, commitIndex: null, lastApplied: null };
      return {
        id, reachable: true, state: st.state, term: st.term, leader: st.leader,
        commitIndex: st.commitIndex, lastApplied: st.lastApplied ?? null,
      };
    });
  }

  async leader(): Promise<string | null> {
    return leaderOf(await fetchAllStatuses(this.nodes, this.timeoutMs))?.id ?? null;
  }
}

export function clusterViewFromConfig(config: ClusterConfig, timeoutMs = statusTimeoutMsDefault): HttpClusterView {
  return new HttpClusterView(config.nodes.map((n) => ({ id: n.id, url: n.url })), timeoutMs);
}
