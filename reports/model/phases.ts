// Latency by phase of a chaos run. Every op falls in exactly one phase by its call time:
// "during" inside any fault window [inject, heal], "before" ahead of the first fault, "after"
// between a heal and the next inject (or the end). A fault never healed runs to the end.
import { exactQuantiles, type ExactQuantiles } from './quantiles.ts';

export type Phase = 'before the fault' | 'during the fault' | 'after heal';

export interface FaultWindowS {
  readonly fromS: number;
  readonly toS: number;
  readonly label: string;
}

export interface PhaseRow {
  readonly phase: Phase;
  readonly calls: number;
  readonly ok: number;
  readonly notOk: number;
  readonly latencyMs: ExactQuantiles | null;
}

export interface PhaseOp {
  readonly callS: number;
  readonly ok: boolean;
  readonly latencyMs: number;
}

export function phaseOf(callS: number, windows: readonly FaultWindowS[]): Phase {
  if (windows.some((w) => callS >= w.fromS && callS <= w.toS)) return 'during the fault';
  const first = Math.min(...windows.map((w) => w.fromS));
  return callS < first ? 'before the fault' : 'after heal';
}

export function phaseTable(ops: readonly PhaseOp[], windows: readonly FaultWindowS[]): PhaseRow[] {
  const phases: Phase[] = ['before the fault', 'during the fault', 'after heal'];
  const acc = new Map<Phase, { calls: number; ok: number; latencies: number[] }>(phases.map((p) => [p, { calls: 0, ok: 0, latencies: [] }]));
  for (const op of ops) {
    const a = acc.get(windows.length === 0 ? 'before the fault' : phaseOf(op.callS, windows))!;
    a.calls++;
    if (op.ok) { a.ok++; a.latencies.push(op.latencyMs); }
  }
  return phases.map((phase) => {
    const a = acc.get(phase)!;
    return { phase, calls: a.calls, ok: a.ok, notOk: a.calls - a.ok, latencyMs: exactQuantiles(a.latencies) };
  });
}
