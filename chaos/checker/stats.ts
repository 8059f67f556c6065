// Counts of ok/fail/info per f. Valid unless some f never succeeded: a workload in which, say,
// no write ever completed ok has not tested what it meant to (Jepsen's stats checker rule).
import type { HistoryEvent, Outcome } from '../../reports/run-files/history-ops.ts';
import type { CheckResult } from './verdict.ts';

export interface OutcomeCounts {
  count: number;
  ok: number;
  fail: number;
  info: number;
}

export interface StatsResult extends CheckResult {
  checker: 'stats';
  total: OutcomeCounts;
  byF: Record<string, OutcomeCounts>;
}

const empty = (): OutcomeCounts => ({ count: 0, ok: 0, fail: 0, info: 0 });

/** Counts completions; calls left open at the end count as info (their outcome is unknown). */
export function checkStats(events: readonly HistoryEvent[]): StatsResult {
  const total = empty();
  const byF: Record<string, OutcomeCounts> = {};
  const open = new Map<number, string>();
  const add = (f: string, outcome: Outcome): void => {
    const c = (byF[f] ??= empty());
    c.count++;
    c[outcome]++;
    total.count++;
    total[outcome]++;
  };
  for (const e of events) {
    if (e.type === 'invoke') open.set(e.process, e.f);
    else {
      open.delete(e.process);
      add(e.f, e.type);
    }
  }
  for (const f of open.values()) add(f, 'info');
  const neverOk = Object.entries(byF).filter(([, c]) => c.ok === 0).map(([f]) => f).sort();
  const result: StatsResult = { checker: 'stats', valid: neverOk.length === 0, total, byF };
  if (neverOk.length > 0) result.reason = `no ok completion for ${neverOk.join(', ')}`;
  return result;
}
