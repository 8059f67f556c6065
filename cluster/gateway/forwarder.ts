import { refusedBeforeLog } from '../common/outcome-table.ts';
import { GatewayError, NodeUnavailableError } from './errors.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { LeaderTracker } from './leader-tracker.ts';
import type { NodeAnswer, NodeClient } from './node-client.ts';
import type { WriteCoalescer } from './write-coalescer.ts';
import { singleWriteRequest, type WriteCommand } from './write-command.ts';

export type ForwardOp =
  | { readonly kind: 'write'; readonly command: WriteCommand }
  /** `stale` reads may be served by any node, so they need no leader. */
  | { readonly kind: 'read'; readonly path: string; readonly stale: boolean };

export interface Forwarded extends NodeAnswer {
  readonly nodeId: string;
  readonly attempts: number;
}

export interface ForwarderOptions {
  readonly deadlineMs: number;
  /** One attempt gives up after this, leaving time in the deadline to try the next leader. */
  readonly attemptTimeoutMs: number;
}

/** Longest pause between attempts when the last one failed and no new leader was learned. */
const backoffMsMax = 100;
const backoffMsFirst = 10;

/**
 * Sends a client call to the leader and keeps trying, across leader changes, until a final
 * answer or the deadline. Final: any 2xx, and any 4xx but 421 (validation errors, 404). Retried:
 * no answer (refused, reset, timed out, abandoned on a leader change, circuit open), 421
 * NOT_LEADER, 503 LEADERSHIP_LOST, 504 and other 5xx. Writes carry the same
 * (clientId, requestId) on every attempt, so the state machine applies them once.
 * After the deadline: 503 NO_LEADER, whose `outcome` says whether any attempt may have been
 * applied ("unknown") or none can have been ("not-applied": never sent, or refused definitely).
 */
export class Forwarder {
  private staleReadTurn = 0;

  constructor(
    private readonly tracker: LeaderTracker,
    private readonly clients: ReadonlyMap<string, NodeClient>,
    private readonly coalescer: WriteCoalescer | null,
    private readonly metrics: GatewayMetrics,
    private readonly options: ForwarderOptions,
  ) {}

  async forward(op: ForwardOp): Promise<Forwarded> {
    const deadline = Date.now() + this.options.deadlineMs;
    let attempts = 0;
    let firstNodeId: string | null = null;
    let lastFailure = 'no leader known';
    let backoffMs = backoffMsFirst;
    let immediateRetries = 0;
    /** Some attempt may have been applied: after the deadline the outcome is unknown, not "failed". */
    let maybeApplied = false;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const target = this.target(op);
      if (target === null) {
        lastFailure = 'no leader known';
        void this.tracker.refresh();
        await this.tracker.waitForLeader(Math.min(remaining, backoffMsMax));
        continue;
      }
      firstNodeId ??= target.id;
      attempts++;
      let answer: NodeAnswer;
      try {
        answer = await this.attempt(op, target, remaining);
      } catch (err) {
        if (!(err instanceof NodeUnavailableError)) throw err;
        lastFailure = err.message;
        if (!err.notSent) maybeApplied = true;
        this.metrics.retries.inc({ reason: err.code });
        // An abandoned call means a new leader is already known: go there at once.
        if (err.code === 'ABANDONED') continue;
        await this.settle(this.tracker.refresh(), backoffMs, deadline);
        backoffMs = Math.min(backoffMs * 2, backoffMsMax);
        continue;
      }
      const code = (answer.body as { code?: unknown } | null)?.code;
      if (answer.status < 400 || (answer.status < 500 && answer.status !== 421)) {
        if (firstNodeId !== target.id) this.metrics.failovers.inc();
        return { ...answer, nodeId: target.id, attempts };
      }
      lastFailure = `${target.id} answered ${answer.status}${typeof code === 'string' ? ` ${code}` : ''}`;
      if (!refusedBeforeLog(answer.status, code)) maybeApplied = true;
      this.metrics.retries.inc({ reason: answer.status === 421 ? 'NOT_LEADER' : typeof code === 'string' ? code : `HTTP_${answer.status}` });
      if (answer.status === 421) {
        const hinted = (answer.body as { leader?: unknown } | null)?.leader;
        this.tracker.hint(target.id, typeof hinted === 'string' ? hinted : null);
        const moved = this.tracker.current();
        // Follow a hint to another node at once, but not forever: two nodes pointing at each
        // other (stale hints during an election) must not become a busy loop.
        if (moved !== null && moved.id !== target.id && immediateRetries < 2) { immediateRetries++; continue; }
        immediateRetries = 0;
        await this.tracker.waitForLeader(Math.min(backoffMs, deadline - Date.now()));
      } else {
        immediateRetries = 0;
        await this.settle(this.tracker.refresh(), backoffMs, deadline);
      }
      backoffMs = Math.min(backoffMs * 2, backoffMsMax);
    }
    this.metrics.noLeader.inc();
    // `outcome` lets a history checker record a write as failed (not-applied) or unknown.
    const details: Record<string, unknown> = { attempts };
    if (op.kind === 'write') details.outcome = maybeApplied ? 'unknown' : 'not-applied';
    throw new GatewayError('NO_LEADER', `no leader answered within ${this.options.deadlineMs} ms; last: ${lastFailure}`, details);
  }

  /**
   * After a failed attempt: wait until the status refresh it triggered has ended (so the next
   * attempt uses what the cluster says now, not the leader that just failed) but at least the
   * backoff, so a node failing instantly is not hammered; stop early on a leader change.
   */
  private async settle(refreshed: Promise<void>, backoffMs: number, deadline: number): Promise<void> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return;
    const floor = new Promise<void>((resolve) => setTimeout(resolve, Math.min(backoffMs, remaining)));
    await this.tracker.waitForLeader(remaining, Promise.all([refreshed, floor]));
  }

  private target(op: ForwardOp): NodeClient | null {
    const leader = this.tracker.current();
    if (leader !== null) return this.clients.get(leader.id) ?? null;
    if (op.kind !== 'read' || !op.stale) return null;
    // Any node can serve a stale read: round-robin over nodes that answered their last poll.
    const views = this.tracker.nodeViews().filter((v) => v.reachable && this.clients.get(v.id)?.circuit === 'closed');
    if (views.length === 0) return null;
    return this.clients.get(views[this.staleReadTurn++ % views.length]!.id) ?? null;
  }

  private attempt(op: ForwardOp, target: NodeClient, remainingMs: number): Promise<NodeAnswer> {
    const timeoutMs = Math.min(remainingMs, this.options.attemptTimeoutMs);
    if (op.kind === 'read') return target.request('GET', op.path, undefined, timeoutMs, true);
    if (this.coalescer === null) {
      const r = singleWriteRequest(op.command);
      return target.request(r.method, r.path, r.body, timeoutMs, true);
    }
    // The batch is shared, so its timeout is the attempt timeout; this op stops waiting at its
    // own deadline (the write may still be applied: NO_LEADER then means "outcome unknown").
    return withTimeout(this.coalescer.submit(target, op.command), remainingMs, target.id);
  }
}

function withTimeout(promise: Promise<NodeAnswer>, timeoutMs: number, nodeId: string): Promise<NodeAnswer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new NodeUnavailableError(nodeId, 'NODE_TIMEOUT', `${nodeId} did not answer the batch within ${timeoutMs} ms`)), timeoutMs);
    promise.then((a) => { clearTimeout(timer); resolve(a); }, (e: unknown) => { clearTimeout(timer); reject(e); });
  });
}
