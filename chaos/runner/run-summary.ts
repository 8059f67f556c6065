import type { Quantiles, RunResults } from '../runner.ts';

/** The lines printed at the end of a run: the histograms as percentiles, each check, the verdict. */
export function summaryLines(r: RunResults): string[] {
  const row = (label: string, q: Quantiles) =>
    `${label.padEnd(18)} n=${String(q.count).padEnd(5)} p50 ${fmt(q.p50)}  p90 ${fmt(q.p90)}  p99 ${fmt(q.p99)}  max ${fmt(q.max)}`;
  const w = r.workload;
  const lines = [
    `trials ${r.trials}/${r.trialsPlanned}; writes ${w.invoked} invoked: ${w.ok} ok, ${w.fail} fail, ${w.info} info, ${w.skipped} skipped (at the concurrency cap); ${w.processes} processes`,
    row('election ms', r.electionMs),
    row('unavailability ms', r.unavailabilityMs),
    row('write latency ms', r.writeLatencyMs),
  ];
  for (const [name, c] of Object.entries(r.checks)) {
    const extra = c as unknown as Record<string, unknown>;
    const counts = name === 'lost-writes' && typeof extra.acknowledged === 'number'
      ? ` (${extra.acknowledged} acknowledged, ${extra.lost} lost; ${extra.infoApplied} of ${extra.infoTotal} unknown-outcome writes applied)` : '';
    lines.push(`check ${name}: ${c.valid === true ? 'valid' : c.valid === false ? 'INVALID' : 'unknown'}${counts}${c.reason ? ` — ${c.reason}` : ''}`);
  }
  lines.push(`verdict: ${r.verdict}${r.reason ? ` (${r.reason})` : ''}`);
  return lines;
}

function fmt(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)}`.padStart(5);
}
