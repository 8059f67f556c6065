import type { CheckResult } from './verdict.ts';

/**
 * Election Safety (Raft §5.2): at most one leader per term. Read from the nodes' audit events:
 * `elected` (term) and `role` changes to LEADER (term). A node that restarted and was elected
 * again in the same term would be a bug in its own right, so nodes are compared by id only.
 */
export interface LeadershipEvent {
  readonly node: string;
  readonly kind: string;
  readonly term?: number;
  readonly role?: unknown;
}

export function checkElectionSafety(events: readonly LeadershipEvent[]): CheckResult & { terms: number } {
  const leadersByTerm = new Map<number, Set<string>>();
  for (const e of events) {
    const isLeader = e.kind === 'elected' || (e.kind === 'role' && e.role === 'LEADER');
    if (!isLeader || typeof e.term !== 'number') continue;
    let set = leadersByTerm.get(e.term);
    if (!set) leadersByTerm.set(e.term, (set = new Set()));
    set.add(e.node);
  }
  const bad = [...leadersByTerm].filter(([, nodes]) => nodes.size > 1).map(([term, nodes]) => ({ term, leaders: [...nodes].sort() }));
  if (bad.length === 0) return { checker: 'election-safety', valid: true, terms: leadersByTerm.size };
  return {
    checker: 'election-safety', valid: false, terms: leadersByTerm.size,
    reason: `${bad.length} term(s) with more than one leader (first: term ${bad[0]!.term}: ${bad[0]!.leaders.join(', ')})`,
    counterexample: bad,
  };
}
