// The dashboard's view of the cluster: every node's /raft/status and the gateway's /api/status,
// polled on a fixed interval with short deadlines, so a paused or dead node shows as down within
// one poll and never stalls the page. Subscribers get each fresh snapshot (the SSE stream).
import type { ClusterConfig } from '../../cluster/config.ts';
import { gatewayUrl } from '../../cluster/config.ts';

export interface NodeView {
  readonly id: string;
  readonly url: string;
  readonly up: boolean;
  readonly error: string | null;
  readonly state: string | null;
  readonly term: number | null;
  readonly leader: string | null;
  readonly commitIndex: number | null;
  readonly lastApplied: number | null;
  /** Entries behind the leader's log (from the leader's progress), else behind its commit index. */
  readonly lagEntries: number | null;
}

export interface ClusterSnapshot {
  readonly atMs: number;
  readonly gateway: { readonly url: string; readonly up: boolean; readonly error: string | null; readonly leaderId: string | null };
  readonly leader: string | null;
  readonly term: number | null;
  readonly nodes: readonly NodeView[];
}

const requestTimeoutMs = 800;

async function getJson(url: string): Promise<{ ok: true; body: any } | { ok: false; error: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(requestTimeoutMs) });
    if (!res.ok) return { ok: false, error: `HTTP ${res.status}` };
    return { ok: true, body: await res.json() };
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string }; message?: string };
    return { ok: false, error: e.name === 'TimeoutError' ? `no answer within ${requestTimeoutMs} ms` : e.cause?.code ?? e.message ?? 'unreachable' };
  }
}

export async function pollOnce(config: ClusterConfig): Promise<ClusterSnapshot> {
  const gw = gatewayUrl(config);
  const [gateway, ...nodes] = await Promise.all([getJson(`${gw}/api/status`), ...config.nodes.map((n) => getJson(`${n.url}/raft/status`))]);
  const statuses = nodes.map((r) => (r.ok ? r.body : null));
  const maxTerm = Math.max(-1, ...statuses.map((s) => (typeof s?.term === 'number' ? s.term : -1)));
  const leaderStatus = statuses.find((s) => s?.state === 'LEADER' && s.term === maxTerm) ?? null;
  const views: NodeView[] = config.nodes.map((n, i) => {
    const s = statuses[i];
    const r = nodes[i]!;
    if (!s) return { id: n.id, url: n.url, up: false, error: r.ok ? 'bad answer' : r.error, state: null, term: null, leader: null, commitIndex: null, lastApplied: null, lagEntries: null };
    const peer = Array.isArray(leaderStatus?.peers) ? leaderStatus.peers.find((p: { id: string }) => p.id === n.id) : undefined;
    const lag = s === leaderStatus ? 0 : typeof peer?.lagEntries === 'number' ? peer.lagEntries
      : leaderStatus && typeof s.commitIndex === 'number' ? Math.max(0, leaderStatus.commitIndex - s.commitIndex) : null;
    return { id: n.id, url: n.url, up: true, error: null, state: s.state ?? null, term: s.term ?? null, leader: s.leader ?? null, commitIndex: s.commitIndex ?? null, lastApplied: s.lastApplied ?? null, lagEntries: lag };
  });
  return {
    atMs: Date.now(),
    gateway: { url: gw, up: gateway.ok, error: gateway.ok ? null : gateway.error, leaderId: gateway.ok ? gateway.body?.leaderId ?? null : null },
    leader: leaderStatus?.id ?? null,
    term: maxTerm >= 0 ? maxTerm : null,
    nodes: views,
  };
}

export class ClusterPoller {
  latest: ClusterSnapshot | null = null;
  private readonly listeners = new Set<(s: ClusterSnapshot) => void>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly config: ClusterConfig, private readonly intervalMs = 500) {}

  start(): void {
    const tick = async () => {
      if (this.busy) return;
      this.busy = true;
      try {
        this.latest = await pollOnce(this.config);
        for (const l of this.listeners) l(this.latest);
      } finally {
        this.busy = false;
      }
    };
    void tick();
    this.timer = setInterval(() => void tick(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  subscribe(listener: (s: ClusterSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
