import type { Operation } from '../../reports/run-files/history-ops.ts';
import type { CheckResult } from './verdict.ts';

/**
 * Lost writes: every append the cluster acknowledged (ok) must be in every node's final
 * committed log, matched by (clientId, requestId). Entries a node compacted into its snapshot
 * are matched through the leader's state machine record at the acknowledged entry id instead.
 * Appends that ended `info` are counted when they did take effect: useful, never a failure.
 *
 * Lost means: in no node's committed log at all, or absent from a node that has committed
 * past the acknowledged entry id. A node whose commit index is still below it has not lost the
 * write, it lags: that makes the check unknown (the runner's recovery check says why).
 */
export interface NodeLogView {
  readonly node: string;
  readonly commitIndex: number;
  readonly snapshotIndex: number;
  /** (clientId, requestId) of every committed append command after the snapshot. */
  readonly entries: readonly { readonly index: number; readonly clientId: string | null; readonly requestId: string | null }[];
}

export interface LostWritesInput {
  readonly ops: readonly Operation[];
  readonly clientId: string;
  readonly logs: readonly NodeLogView[];
  /** Leader's state machine records by entry id, for ids at or below some node's snapshot. */
  readonly compacted: ReadonlyMap<number, { readonly clientId: string | null; readonly requestId: string | null } | null>;
}

export interface LostWrite {
  readonly requestId: string;
  readonly entryId: number;
  readonly missingOn: readonly string[];
}

const examplesMax = 20;

export function checkLostWrites(input: LostWritesInput): CheckResult & { acknowledged: number; infoApplied: number; infoTotal: number; lost: number } {
  const present = input.logs.map((log) => ({
    log,
    ids: new Set(log.entries.filter((e) => e.clientId === input.clientId && e.requestId !== null).map((e) => e.requestId!)),
  }));
  const inLog = (p: (typeof present)[number], requestId: string, entryId: number | null): boolean => {
    if (p.ids.has(requestId)) return true;
    if (entryId === null || entryId > p.log.snapshotIndex) return false;
    const record = input.compacted.get(entryId);
    return record?.clientId === input.clientId && record.requestId === requestId;
  };
  const lost: LostWrite[] = [];
  const lagging = new Map<string, number>();
  let acknowledged = 0;
  let infoApplied = 0;
  let infoTotal = 0;
  for (const op of input.ops) {
    if (op.f !== 'append' || typeof op.input !== 'string') continue;
    if (op.outcome === 'ok') {
      acknowledged++;
      const entryId = Array.isArray(op.output) && typeof op.output[0] === 'number' ? op.output[0] : null;
      const missing = present.filter((p) => !inLog(p, op.input as string, entryId));
      const behind = missing.filter((p) => entryId !== null && p.log.commitIndex < entryId);
      if (missing.length === present.length || behind.length < missing.length) {
        lost.push({ requestId: op.input, entryId: entryId ?? -1, missingOn: missing.map((p) => p.log.node) });
      } else {
        for (const p of behind) lagging.set(p.log.node, (lagging.get(p.log.node) ?? 0) + 1);
      }
    } else if (op.outcome === 'info') {
      infoTotal++;
      if (present.length > 0 && present.every((p) => p.ids.has(op.input as string))) infoApplied++;
    }
  }
  const counts = { acknowledged, infoApplied, infoTotal, lost: lost.length };
  if (input.logs.length === 0) return { checker: 'lost-writes', valid: 'unknown', reason: 'no node log could be read', ...counts };
  if (lost.length === 0 && lagging.size > 0) {
    const behind = [...lagging].map(([node, n]) => `${node} (${n}, commit index ${input.logs.find((l) => l.node === node)?.commitIndex})`);
    return { checker: 'lost-writes', valid: 'unknown', reason: `acknowledged writes not yet committed on ${behind.join(', ')}`, ...counts };
  }
  if (lost.length === 0) return { checker: 'lost-writes', valid: true, ...counts };
  return {
    checker: 'lost-writes', valid: false, ...counts,
    reason: `${lost.length} of ${acknowledged} acknowledged writes missing from a committed log (first: request ${lost[0]!.requestId}, entry ${lost[0]!.entryId}, missing on ${lost[0]!.missingOn.join(', ')})`,
    counterexample: lost.slice(0, examplesMax),
  };
}
