import { formatCounterexample, type Counterexample } from '../checker/counterexample.ts';
import type { CheckResult } from '../checker/verdict.ts';
import type { Quantiles, RunResults } from './run-types.ts';

/** The lines printed at the end of a run: the histograms as percentiles, each check, the verdict. */
export function summaryLines(r: RunResults): string[] {
  const row = (label: string, q: Quantiles) =>
    `${label.padEnd(18)} n=${String(q.count).padEnd(5)} p50 ${fmt(q.p50)}  p90 ${fmt(q.p90)}  p99 ${fmt(q.p99)}  max ${fmt(q.max)}`;
  const counts = (label: string, w: RunResults['workload']) =>
    `${label} ${w.invoked} invoked: ${w.ok} ok, ${w.fail} fail, ${w.info} info, ${w.skipped} skipped (at the concurrency cap); ${w.processes} processes`;
  const lines = [
    `trials ${r.trials}/${r.trialsPlanned}`,
    ...(r.workloads?.append ? [counts('appends', r.workloads.append)] : []),
    ...(r.workloads?.register ? [counts('register ops', r.workloads.register)] : []),
    ...(r.workloads ? [] : [counts('writes', r.workload)]),
    row('election ms', r.electionMs),
    row('unavailability ms', r.unavailabilityMs),
    row('write latency ms', r.writeLatencyMs),
  ];
  lines.push(...checkLines(r.checks, r.checkMs, r.verdict, r.reason));
  return lines;
}

/** One line per check (a failed linearizability check adds its counterexample), then the verdict. */
export function checkLines(checks: Readonly<Record<string, CheckResult>>, checkMs: number | undefined, verdict: string, reason: string | null): string[] {
  const lines: string[] = [];
  for (const [name, c] of Object.entries(checks)) {
    const extra = c as unknown as Record<string, unknown>;
    lines.push(`check ${name}: ${c.valid === true ? 'valid' : c.valid === false ? 'INVALID' : 'unknown'}${checkFigures(name, extra)}${c.reason ? ` — ${c.reason}` : ''}`);
    if (name === 'linearizable' && c.valid === false && c.counterexample) {
      for (const l of formatCounterexample(c.counterexample as Counterexample).split('\n')) lines.push(`  ${l}`);
    }
  }
  if (typeof checkMs === 'number') lines.push(`checks took ${checkMs} ms`);
  lines.push(`verdict: ${verdict}${reason ? ` (${reason})` : ''}`);
  return lines;
}

/** The few numbers that say what a check looked at. */
function checkFigures(name: string, x: Record<string, unknown>): string {
  if (name === 'lost-writes' && typeof x.acknowledged === 'number') return ` (${x.acknowledged} acknowledged, ${x.lost} lost; ${x.infoApplied} of ${x.infoTotal} unknown-outcome writes applied)`;
  if (name === 'append-order' && typeof x.ordered === 'number') return ` (${x.ordered} appends ordered, ${x.infoPlaced} of them info)`;
  if (name === 'linearizable' && typeof x.opCount === 'number') return ` (${x.opCount} ops on ${x.partitionCount} keys in ${x.elapsedMs} ms)`;
  return '';
}

function fmt(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)}`.padStart(5);
}
