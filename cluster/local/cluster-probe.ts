/**
 * Reads what the cluster says about itself over HTTP: each node's GET /raft/status and the
 * gateway's GET /api/status. Every request has a deadline, because a paused process accepts
 * connections (the kernel does) but never answers.
 */

export type RaftState = 'LEADER' | 'FOLLOWER' | 'CANDIDATE';

export interface PeerProgress {
  readonly id: string;
  readonly lagEntries: number | null;
  readonly matchIndex?: number | null;
}

export interface RaftStatus {
  readonly id: string;
  readonly state: RaftState;
  readonly term: number;
  readonly leader: string | null;
  readonly commitIndex: number;
  readonly lastApplied?: number;
  readonly lastLogIndex?: number;
  readonly snapshotIndex?: number;
  readonly peers?: readonly PeerProgress[];
}

export interface GatewayStatus {
  readonly leader: string | null;
  readonly leaderId?: string | null;
  readonly term?: number | null;
  readonly clusterSize?: number;
}

export const probeTimeoutMs = 700;

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.json() as unknown;
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return body;
}

/** null when the node does not answer in time or answers something unexpected. */
export async function fetchRaftStatus(nodeUrl: string, timeoutMs = probeTimeoutMs): Promise<RaftStatus | null> {
  try {
    const body = await getJson(`${nodeUrl}/raft/status`, timeoutMs) as Partial<RaftStatus>;
    if (typeof body.state !== 'string' || typeof body.term !== 'number') return null;
    return body as RaftStatus;
  } catch {
    return null;
  }
}

export async function fetchGatewayStatus(gatewayUrl: string, timeoutMs = probeTimeoutMs): Promise<GatewayStatus | null> {
  try {
    const body = await getJson(`${gatewayUrl}/api/status`, timeoutMs) as Partial<GatewayStatus>;
    return typeof body === 'object' && body !== null && 'leader' in body ? body as GatewayStatus : null;
  } catch {
    return null;
  }
}

export async function fetchAllStatuses(nodes: readonly { id: string; url: string }[], timeoutMs = probeTimeoutMs): Promise<Map<string, RaftStatus | null>> {
  const answers = await Promise.all(nodes.map((n) => fetchRaftStatus(n.url, timeoutMs)));
  return new Map(nodes.map((n, i) => [n.id, answers[i] ?? null]));
}

/**
 * The node that claims leadership in the highest term any answering node knows of. A deposed
 * leader that has not heard of the newer term still says LEADER; it is not the leader.
 */
export function leaderOf(statuses: ReadonlyMap<string, RaftStatus | null>, exclude: readonly string[] = []): RaftStatus | null {
  let maxTerm = -1;
  for (const [id, st] of statuses) if (st && !exclude.includes(id)) maxTerm = Math.max(maxTerm, st.term);
  for (const [id, st] of statuses) {
    if (st && st.state === 'LEADER' && st.term === maxTerm && !exclude.includes(id)) return st;
  }
  return null;
}
