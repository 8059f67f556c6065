import { gatewayNodeUrl, type ClusterConfig } from '../config.ts';
import type { NodeClient } from './node-client.ts';
import { nodeStatusSchema, type NodeView } from './node-status.ts';

export interface LeaderInfo {
  readonly id: string;
  readonly url: string;
  /** The term the leader was learned at; a guess (the hinting node's term) for hints. */
  readonly term: number;
}

export type LeaderChangeReason = 'status' | 'hint' | 'stepped-down';

export interface LeaderTrackerOptions {
  readonly pollMs: number;
  readonly pollTimeoutMs: number;
  readonly onLeaderChange?: (previous: LeaderInfo | null, next: LeaderInfo | null, reason: LeaderChangeReason, fromNodeId: string) => void;
}

/**
 * Where the leader is, as far as the gateway can tell: from polling every node's
 * `/raft/status` and from NOT_LEADER hints. It is a routing guess only; correctness rests on
 * the nodes, which refuse client calls when they are not the leader.
 *
 * Rules, chosen so one confused node cannot take the leader away:
 * - a node claiming LEADER is taken if its term is not older than the current leader's;
 * - a follower naming a leader moves us only at a newer term than the current leader's;
 * - the current leader is dropped only when it says itself that it is not the leader (status
 *   or 421). A node that is merely unreachable is not dropped here: an isolated candidate
 *   with a high term, or a slow link to the leader, must not leave the gateway leaderless.
 *   A dead leader is replaced when the others report the new one at a newer term.
 */
export class LeaderTracker {
  private leader: LeaderInfo | null = null;
  private readonly views = new Map<string, NodeView>();
  /** The poll in flight per node. */
  private readonly polling = new Map<string, Promise<void>>();
  private readonly lastPollStartMs = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  /**
   * The newest term at which each node said itself it was not the leader. Another node's older
   * view naming it at that term (a status answer that was in flight) must not bring it back.
   */
  private readonly deniedAtTerm = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly config: ClusterConfig,
    private readonly clients: ReadonlyMap<string, NodeClient>,
    private readonly options: LeaderTrackerOptions,
  ) {
    for (const n of config.nodes) {
      this.views.set(n.id, {
        id: n.id, url: gatewayNodeUrl(config, n.id), state: null, term: null, commitIndex: null,
        leader: null, reachable: false, lastPollAtMs: null, lastError: 'not polled yet',
      });
    }
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.pollMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of [...this.waiters]) w();
  }

  current(): LeaderInfo | null {
    return this.leader;
  }

  nodeViews(): NodeView[] {
    return [...this.views.values()].map((v) => ({ ...v }));
  }

  /**
   * Polls every node that has no poll in flight. Called on the timer and whenever a forwarded
   * call failed; at most one poll per node is in flight, and polls are at least 5 ms apart.
   * Resolves when the polls in flight after this call have all ended.
   */
  refresh(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const now = Date.now();
    for (const id of this.views.keys()) {
      if (this.polling.has(id) || now - (this.lastPollStartMs.get(id) ?? 0) < 5) continue;
      this.lastPollStartMs.set(id, now);
      const p = this.poll(id).finally(() => this.polling.delete(id));
      this.polling.set(id, p);
    }
    return Promise.all(this.polling.values()).then(() => undefined);
  }

  private async poll(id: string): Promise<void> {
    const client = this.clients.get(id)!;
    const view = this.views.get(id)!;
    try {
      const answer = await client.request('GET', '/raft/status', undefined, this.options.pollTimeoutMs, false);
      if (this.stopped) return;
      view.lastPollAtMs = Date.now();
      const parsed = nodeStatusSchema.safeParse(answer.body);
      if (answer.status !== 200 || !parsed.success) {
        view.reachable = false;
        view.lastError = `status answered ${answer.status} with an unexpected body`;
        return;
      }
      const s = parsed.data;
      Object.assign(view, {
        state: s.state, term: s.term, commitIndex: s.commitIndex ?? null, leader: s.leader ?? null,
        reachable: true, lastError: null,
      });
      this.observe(id, s.state === 'LEADER', s.term, s.leader ?? null, 'status');
    } catch (err) {
      if (this.stopped) return;
      view.reachable = false;
      view.lastPollAtMs = Date.now();
      view.lastError = (err as Error).message;
    }
  }

  /** A node answered 421 NOT_LEADER naming `leaderId` (or nobody). */
  hint(fromNodeId: string, leaderId: string | null): void {
    const view = this.views.get(fromNodeId);
    if (view) { view.state = view.state === 'LEADER' ? 'FOLLOWER' : view.state; view.leader = leaderId; }
    this.observe(fromNodeId, false, view?.term ?? this.leader?.term ?? 0, leaderId, 'hint');
  }

  private observe(fromId: string, claimsLeader: boolean, term: number, leaderId: string | null, reason: LeaderChangeReason): void {
    const current = this.leader;
    if (claimsLeader) {
      if (current === null || term >= current.term) this.set(fromId, term, reason, fromId);
      return;
    }
    if (term > (this.deniedAtTerm.get(fromId) ?? -1)) this.deniedAtTerm.set(fromId, term);
    let named = leaderId !== null && leaderId !== fromId && this.views.has(leaderId) ? leaderId : null;
    // A hint is fresh news from the node itself (its term here is only our guess): always heard.
    if (named !== null && reason === 'status' && term <= (this.deniedAtTerm.get(named) ?? -1)) named = null;
    if (current?.id === fromId) {
      if (named !== null) this.set(named, term, reason, fromId);
      else this.set(null, term, 'stepped-down', fromId);
      return;
    }
    if (named !== null && (current === null || term > current.term)) this.set(named, term, reason, fromId);
  }

  private set(id: string | null, term: number, reason: LeaderChangeReason, fromId: string): void {
    const previous = this.leader;
    if (previous === null && id === null) return;
    if (previous !== null && previous.id === id && term <= previous.term) return;
    this.leader = id === null ? null : { id, url: this.views.get(id)!.url, term };
    if (previous?.id === id) return; // same leader, newer term learned: not a change
    // Calls still waiting on the old leader would only end in 421, 503 or a timeout: abandon
    // them now so they retry on the new one (with the same ids, so writes stay exactly-once).
    if (previous !== null) this.clients.get(previous.id)?.abandonForwarded();
    // A new leader whose circuit is open (it was restarting a moment ago) is asked at once
    // rather than after the breaker's half-open delay; waiters wake again if it answers.
    const next = id === null ? undefined : this.clients.get(id);
    if (next?.circuit === 'open') {
      void next.recheck(this.options.pollTimeoutMs).then((closed) => { if (closed) for (const w of [...this.waiters]) w(); });
    }
    this.options.onLeaderChange?.(previous, this.leader, reason, fromId);
    if (this.leader !== null) for (const w of [...this.waiters]) w();
  }

  /** Resolves when a leader is (newly) set, after `timeoutMs`, or when `until` resolves, whichever is first. */
  waitForLeader(timeoutMs: number, until?: Promise<unknown>): Promise<void> {
    if (this.stopped || timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => { clearTimeout(timer); this.waiters.delete(done); resolve(); };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      until?.then(done, done);
    });
  }
}
