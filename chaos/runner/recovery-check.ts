import type { ClusterView, NodeStatusView } from '../cluster-view.ts';

export type RecoveryResult =
  | { readonly recovered: true; readonly leader: string; readonly term: number; readonly commitIndex: number; readonly waitedMs: number }
  | { readonly recovered: false; readonly reason: string; readonly waitedMs: number };

/**
 * Healthy means: every node answers, exactly one says LEADER and every node names it in the
 * same term, and every node has applied at least the leader's commit index (as that leader
 * reported it one poll earlier, see judge; a node still catching up keeps the check waiting). Polls until then or the deadline.
 */
/**
 * "Recovered in" is only as fine as the poll: at a flat 100 ms a trial read either ~10 ms or
 * ~110 ms, nothing between. Poll every 10 ms for the first second, where recoveries land, then
 * every 100 ms so a long wait does not load the cluster it is waiting for.
 */
const pollMsFast = 10;
const fastForMs = 1000;
const pollMsSlow = 100;

export async function waitForRecovery(view: ClusterView, timeoutMs: number): Promise<RecoveryResult> {
  const started = Date.now();
  let reason = 'not checked';
  let previous: { leader: string; term: number; commit: number } | null = null;
  for (;;) {
    const statuses = await view.statuses();
    const verdict = judge(statuses, previous);
    const l = statuses.find((s) => s.state === 'LEADER');
    previous = l && l.term !== undefined && l.term !== null ? { leader: l.id, term: l.term, commit: l.commitIndex ?? 0 } : null;
    if (verdict.healthy) return { recovered: true, leader: verdict.leader, term: verdict.term, commitIndex: verdict.commitIndex, waitedMs: Date.now() - started };
    reason = verdict.reason;
    if (Date.now() - started >= timeoutMs) return { recovered: false, reason: `not recovered within ${timeoutMs} ms: ${reason}`, waitedMs: Date.now() - started };
    await new Promise((r) => setTimeout(r, Date.now() - started < fastForMs ? pollMsFast : pollMsSlow));
  }
}

type Judgement = { healthy: true; leader: string; term: number; commitIndex: number } | { healthy: false; reason: string };

/**
 * `before`: the leader's term and commit index one poll earlier. While load goes on the leader's
 * commit moves between polls and a follower learns it a tick later, so on a loaded machine a
 * follower read in the same round was 1 entry behind for 15 s on end; having applied what the same
 * leader had committed one poll earlier is caught up.
 */
export function judge(statuses: readonly NodeStatusView[], before: { leader: string; term: number; commit: number } | null = null): Judgement {
  const silent = statuses.filter((s) => !s.reachable).map((s) => s.id);
  if (silent.length > 0) return { healthy: false, reason: `no answer from ${silent.join(', ')}` };
  const leaders = statuses.filter((s) => s.state === 'LEADER');
  if (leaders.length !== 1) return { healthy: false, reason: `${leaders.length} nodes say LEADER (${leaders.map((l) => `${l.id}@${l.term}`).join(', ') || 'none'})` };
  const leader = leaders[0]!;
  const disagree = statuses.filter((s) => s.leader !== leader.id || s.term !== leader.term).map((s) => `${s.id} follows ${s.leader ?? 'nobody'} in term ${s.term}`);
  if (disagree.length > 0) return { healthy: false, reason: `leader ${leader.id} (term ${leader.term}) but ${disagree.join(', ')}` };
  const commitNow = leader.commitIndex ?? 0;
  const commit = before !== null && before.leader === leader.id && before.term === leader.term ? Math.min(before.commit, commitNow) : commitNow;
  const behind = statuses.filter((s) => (s.lastApplied ?? -1) < commit).map((s) => `${s.id} applied ${s.lastApplied}`);
  if (behind.length > 0) return { healthy: false, reason: `leader ${leader.id} committed ${commit} but ${behind.join(', ')}` };
  return { healthy: true, leader: leader.id, term: leader.term!, commitIndex: commit };
}
