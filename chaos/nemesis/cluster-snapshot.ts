/**
 * One look at the cluster taken when a fault is resolved: who leads which term, who answers.
 * Roles are resolved against this snapshot, so a fault's description ("kill node2 (leader,
 * term 4)") says what was true when it was chosen.
 *
 * Exports: `ClusterSnapshot`, `takeSnapshot`.
 */
import type { ClusterView } from '../cluster-view.ts';

export interface ClusterSnapshot {
  /** Every node of the cluster, in the view's (sorted, deterministic) order. */
  readonly nodeIds: readonly string[];
  readonly leader: string | null;
  /** The leader's term, or the highest term any node reported. */
  readonly term: number | null;
  readonly reachable: readonly string[];
}

const pollMs = 100;

/**
 * With `leaderWaitMs` > 0, polls (bounded) until some node leads the highest known term; a
 * fault aimed at "the leader" right after an election must not fail only because the vote
 * is still being counted. Returns the last snapshot either way; the caller decides.
 */
export async function takeSnapshot(view: ClusterView, leaderWaitMs = 0): Promise<ClusterSnapshot> {
  const deadline = Date.now() + leaderWaitMs;
  for (;;) {
    const statuses = await view.statuses();
    const reachable = statuses.filter((s) => s.reachable).map((s) => s.id);
    const maxTerm = statuses.reduce((m, s) => Math.max(m, s.term ?? -1), -1);
    const leader = statuses.find((s) => s.state === 'LEADER' && s.term === maxTerm)?.id ?? null;
    const snapshot = { nodeIds: view.nodeIds, leader, term: maxTerm >= 0 ? maxTerm : null, reachable };
    if (leader !== null || Date.now() >= deadline) return snapshot;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
