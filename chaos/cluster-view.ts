/**
 * What experiments and the nemesis may know about the live cluster: the nodes' own status and
 * audit events, read over the control path (direct node URLs, never through the proxies, so
 * observing the cluster is not itself subject to the faults being injected).
 */
export interface NodeStatusView {
  readonly id: string;
  readonly reachable: boolean;
  readonly state: 'LEADER' | 'FOLLOWER' | 'CANDIDATE' | null;
  readonly term: number | null;
  readonly leader: string | null;
  readonly commitIndex: number | null;
  readonly lastApplied: number | null;
}

export interface ClusterView {
  readonly nodeIds: readonly string[];
  statuses(): Promise<NodeStatusView[]>;
  /** The node that is leader in the highest term among those that answer, or null. */
  leader(): Promise<string | null>;
}
