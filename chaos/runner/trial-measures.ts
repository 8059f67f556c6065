import type { Operation } from '../../reports/run-files/history-file.ts';
import type { NodeEvent } from './node-event-poller.ts';

/**
 * The two numbers a trial is measured by, both from the fault's appliedAtMs (wall clock, after
 * the action took effect):
 *
 * - electionMs: to the `elected` event (node wall clock) of the first leader of a term above
 *   the term before the fault. null when no such election happened (a follower fault).
 * - unavailabilityMs: to the earliest completion of a write that was invoked at or after the
 *   fault and succeeded. Writes invoked before the fault are left out on purpose: one already
 *   on its way back from the old leader would otherwise read as zero unavailability. With
 *   open-loop load a write is invoked every 1/R, so this is the wait of the luckiest client
 *   that arrived after the fault; how long the others waited is in the write-latency histogram.
 *   null when no such write succeeded before the trial's measurement deadline.
 */
export interface Election {
  readonly node: string;
  readonly term: number;
  readonly atMs: number;
}

export function firstElectionAfter(events: readonly NodeEvent[], faultAtMs: number, termBefore: number | null, untilMs = Infinity): Election | null {
  let best: Election | null = null;
  for (const e of events) {
    if (e.kind !== 'elected' || typeof e.term !== 'number') continue;
    if (e.ts < faultAtMs || e.ts > untilMs) continue;
    if (termBefore !== null && e.term <= termBefore) continue;
    if (best === null || e.ts < best.atMs) best = { node: e.node, term: e.term, atMs: e.ts };
  }
  return best;
}

/** The earliest completion (epoch ms) of an ok op invoked at or after `fromMs`, or null. */
export function firstOkCompletionAfter(ops: readonly Operation[], fromMs: number, epochMsOfNs: (ns: number) => number): number | null {
  let best: number | null = null;
  for (const op of ops) {
    if (op.outcome !== 'ok' || epochMsOfNs(op.callNs) < fromMs) continue;
    const done = epochMsOfNs(op.returnNs);
    if (best === null || done < best) best = done;
  }
  return best;
}
