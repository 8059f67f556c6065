/**
 * Collects every node's audit events (`GET /raft/events?since=`) over the control path while a
 * run goes on. Nodes keep events in memory only since their last start, so polling must run
 * throughout: a node that is killed takes whatever it had not yet been asked for with it
 * (its audit file keeps them, but runtimes need not expose files). Polls are bounded so a
 * paused node only delays its own events.
 */
export interface NodeEvent {
  readonly node: string;
  readonly seq: number;
  /** Wall-clock ms on the node. */
  readonly ts: number;
  readonly kind: string;
  readonly term?: number;
  readonly [field: string]: unknown;
}

export interface NodeEndpoint {
  readonly id: string;
  readonly url: string;
}

const requestTimeoutMs = 500;
const pageLimit = 1000;

export class NodeEventPoller {
  readonly events: NodeEvent[] = [];
  private readonly lastSeq = new Map<string, number>();
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private sinceEpochMs = 0;

  constructor(private readonly nodes: readonly NodeEndpoint[], private readonly intervalMs = 100) {}

  /**
   * Reads each node's events from the beginning of its memory: everything since `sinceEpochMs`,
   * and before it only elections and role changes (they matter to leaders-per-term).
   */
  async start(sinceEpochMs: number): Promise<void> {
    this.sinceEpochMs = sinceEpochMs;
    await this.pollAll();
    this.timer = setInterval(() => { for (const n of this.nodes) void this.pollNode(n); }, this.intervalMs);
  }

  /** Stops polling after one last complete round. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.busy.size > 0) await new Promise((r) => setTimeout(r, 10));
    await this.pollAll();
  }

  async pollAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.pollNode(n)));
  }

  private keep(e: NodeEvent): boolean {
    return e.ts >= this.sinceEpochMs || e.kind === 'elected' || e.kind === 'role';
  }

  private async pollNode(n: NodeEndpoint): Promise<void> {
    if (this.busy.has(n.id)) return;
    this.busy.add(n.id);
    try {
      for (;;) {
        const since = this.lastSeq.get(n.id) ?? 0;
        const body = await getJson(`${n.url}/raft/events?since=${since}&limit=${pageLimit}`) as { lastSeq: number; events: NodeEvent[] } | null;
        if (!body) return;
        // A node restarted from an empty data dir counts from 0 again.
        if (body.lastSeq < since) { this.lastSeq.set(n.id, 0); continue; }
        for (const e of body.events) if (this.keep(e)) this.events.push({ ...e, node: n.id });
        const last = body.events.at(-1)?.seq;
        if (last !== undefined) this.lastSeq.set(n.id, last);
        if (body.events.length < pageLimit) return;
      }
    } finally {
      this.busy.delete(n.id);
    }
  }

  /** Events sorted by node time, then node and sequence. */
  sorted(): NodeEvent[] {
    return [...this.events].sort((a, b) => a.ts - b.ts || a.node.localeCompare(b.node) || a.seq - b.seq);
  }
}

async function getJson(url: string): Promise<unknown> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(requestTimeoutMs) });
    if (!res.ok) return null;
    return await res.json();
  } catch {
    return null;
  }
}
