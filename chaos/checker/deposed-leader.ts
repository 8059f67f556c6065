import type { Operation } from '../../reports/run-files/history-ops.ts';
import type { CheckResult } from './verdict.ts';

/**
 * A leader cut off from its peers (partition-leader) must step down while isolated
 * (CheckQuorum), and must acknowledge nothing invoked after the majority elected a new leader:
 * it cannot commit alone, so such an ack would be a lie. Judged per trial, between the fault
 * and its heal, from the nodes' audit events and the history (ok values are [entryId, node]).
 */
export interface IsolatedTrial {
  readonly trial: number;
  readonly node: string;
  readonly faultAtMs: number;
  readonly healedAtMs: number;
}

export interface AuditEventLike {
  readonly node: string;
  readonly ts: number;
  readonly kind: string;
  readonly term?: number;
  readonly role?: unknown;
}

export function checkIsolatedLeaders(
  trials: readonly IsolatedTrial[], events: readonly AuditEventLike[], ops: readonly Operation[], epochMsOfNs: (ns: number) => number,
): CheckResult {
  const problems: string[] = [];
  for (const t of trials) {
    const within = (e: AuditEventLike) => e.ts >= t.faultAtMs && e.ts <= t.healedAtMs;
    const steppedDown = events.some((e) => e.node === t.node && within(e) && (e.kind === 'step-down' || (e.kind === 'role' && e.role !== 'LEADER')));
    if (!steppedDown) problems.push(`trial ${t.trial}: isolated leader ${t.node} never stepped down before the heal`);
    const elected = events.filter((e) => e.kind === 'elected' && e.node !== t.node && within(e)).sort((a, b) => a.ts - b.ts)[0];
    if (!elected) continue;
    for (const op of ops) {
      if (op.outcome !== 'ok' || !Array.isArray(op.output) || op.output[1] !== t.node) continue;
      const calledMs = epochMsOfNs(op.callNs);
      const returnedMs = epochMsOfNs(op.returnNs);
      if (calledMs >= elected.ts && returnedMs <= t.healedAtMs) {
        problems.push(`trial ${t.trial}: ${t.node} acknowledged request ${String(op.input)} invoked ${Math.round(calledMs - elected.ts)} ms after ${elected.node} was elected (term ${elected.term})`);
      }
    }
  }
  if (problems.length === 0) return { checker: 'deposed-leader', valid: true };
  return { checker: 'deposed-leader', valid: false, reason: `${problems.length} problem(s); first: ${problems[0]}`, counterexample: problems.slice(0, 20) };
}
