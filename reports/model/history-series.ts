// A chaos run's per-second series, computed from its history (the runner stores no series):
// ok writes per second by completion, errors per second by kind (fail or info, with the
// client's reason), and p50/p99 of the ok writes invoked in that second, measured from the
// call (service time as the client saw it; the runner's corrected histogram is separate).
import { createLatencyHistogram, recordMs, type Histogram } from '../../cluster/common/histograms.ts';
import type { Operation } from '../run-files/history-file.ts';

export interface SecondSeriesData {
  /** Seconds since the history's origin (run.json historyOriginEpochMs). */
  readonly second: number[];
  readonly okPerSec: number[];
  readonly latencyMsP50: (number | null)[];
  readonly latencyMsP99: (number | null)[];
  readonly errorsByKind: Record<string, number[]>;
}

/** "fail NOT_LEADER", "info TIMEOUT": the outcome first, since info may still have applied. */
export function errorKind(op: Operation, completionValue: unknown): string {
  const why = typeof completionValue === 'string' ? completionValue : Array.isArray(completionValue) ? String(completionValue[0]) : 'unknown';
  return `${op.outcome} ${why}`;
}

export interface HistoryOpView {
  readonly op: Operation;
  /** The fail/info completion's value (the checker's Operation drops it). */
  readonly reason: unknown;
  /** When the completion arrived; the Operation's returnNs is +Infinity for info. null: never. */
  readonly completedNs: number | null;
}

export function secondSeries(ops: readonly HistoryOpView[]): SecondSeriesData {
  let last = 0;
  for (const { op, completedNs } of ops) last = Math.max(last, Math.floor(op.callNs / 1e9), completedNs !== null ? Math.floor(completedNs / 1e9) : 0);
  const n = ops.length === 0 ? 0 : last + 1;
  const second = Array.from({ length: n }, (_, i) => i);
  const okPerSec = new Array<number>(n).fill(0);
  const hists: (Histogram | null)[] = new Array(n).fill(null);
  const errorsByKind: Record<string, number[]> = {};
  for (const { op, reason, completedNs } of ops) {
    const callS = Math.floor(op.callNs / 1e9);
    if (op.outcome === 'ok') {
      okPerSec[Math.floor(op.returnNs / 1e9)]!++;
      const h = (hists[callS] ??= createLatencyHistogram('packed'));
      recordMs(h, (op.returnNs - op.callNs) / 1e6);
    } else {
      // An info op that never completed has no completion time: count it where it was called.
      const atS = completedNs !== null ? Math.floor(completedNs / 1e9) : callS;
      const kind = op.completeIndex === null ? 'info still open at the end' : errorKind(op, reason);
      (errorsByKind[kind] ??= new Array<number>(n).fill(0))[atS]!++;
    }
  }
  return {
    second, okPerSec, errorsByKind,
    latencyMsP50: hists.map((h) => (h ? h.getValueAtPercentile(50) / 1000 : null)),
    latencyMsP99: hists.map((h) => (h ? h.getValueAtPercentile(99) / 1000 : null)),
  };
}

/** Call-to-return latency of every ok op: the "raw" curve beside the runner's corrected one. */
export function rawLatencyHistogram(ops: readonly HistoryOpView[]): Histogram {
  const h = createLatencyHistogram();
  for (const { op } of ops) if (op.outcome === 'ok') recordMs(h, (op.returnNs - op.callNs) / 1e6);
  return h;
}
