import type { ClusterConfig } from '../config.ts';
import type { LeaderTracker } from './leader-tracker.ts';
import type { CircuitName, NodeClient } from './node-client.ts';
import type { NodeStatus } from './node-status.ts';

export interface GatewayNodeStatus {
  readonly id: string;
  /** The URL the gateway reaches the node at (through the proxy in toxiproxy mode). */
  readonly url: string;
  readonly state: NodeStatus['state'] | null;
  readonly term: number | null;
  readonly commitIndex: number | null;
  /** Its last status poll answered and its circuit lets calls through. */
  readonly healthy: boolean;
  readonly circuit: CircuitName;
  readonly lastError: string | null;
}

/** The body of `GET /api/status`. */
export interface GatewayStatus {
  readonly leader: string | null;
  readonly leaderId: string | null;
  readonly term: number;
  readonly clusterSize: number;
  readonly nodes: GatewayNodeStatus[];
}

export function gatewayStatus(config: ClusterConfig, tracker: LeaderTracker, clients: ReadonlyMap<string, NodeClient>): GatewayStatus {
  const leader = tracker.current();
  const views = tracker.nodeViews();
  return {
    leader: leader?.url ?? null,
    leaderId: leader?.id ?? null,
    term: Math.max(leader?.term ?? 0, ...views.map((v) => v.term ?? 0)),
    clusterSize: config.nodes.length,
    nodes: views.map((v) => {
      const circuit = clients.get(v.id)!.circuit;
      return {
        id: v.id, url: v.url, state: v.state, term: v.term, commitIndex: v.commitIndex,
        healthy: v.reachable && circuit !== 'open' && circuit !== 'isolated', circuit, lastError: v.lastError,
      };
    }),
  };
}
