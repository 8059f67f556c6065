import type { CheckResult } from './verdict.ts';

/**
 * Log Matching / State Machine Safety (Raft §5.3, §5.4): committed entries at the same index
 * are identical on every node that still holds them (same term, same command).
 */
export interface AgreementLog {
  readonly node: string;
  readonly entries: readonly { readonly index: number; readonly term: number; readonly command: unknown }[];
}

export function checkLogAgreement(logs: readonly AgreementLog[]): CheckResult & { indexesCompared: number } {
  const first = new Map<number, { node: string; term: number; command: string }>();
  const conflicts: { index: number; nodes: [string, string]; terms: [number, number] }[] = [];
  let compared = 0;
  for (const log of logs) {
    for (const e of log.entries) {
      const command = JSON.stringify(e.command);
      const seen = first.get(e.index);
      if (!seen) { first.set(e.index, { node: log.node, term: e.term, command }); continue; }
      compared++;
      if (seen.term !== e.term || seen.command !== command) conflicts.push({ index: e.index, nodes: [seen.node, log.node], terms: [seen.term, e.term] });
    }
  }
  if (conflicts.length === 0) return { checker: 'log-agreement', valid: true, indexesCompared: compared };
  const c = conflicts[0]!;
  return {
    checker: 'log-agreement', valid: false, indexesCompared: compared,
    reason: `${conflicts.length} committed index(es) differ between nodes (first: index ${c.index} on ${c.nodes.join(' vs ')}, terms ${c.terms.join(' vs ')})`,
    counterexample: conflicts.slice(0, 20),
  };
}
