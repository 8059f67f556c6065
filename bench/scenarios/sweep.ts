// just bench sweep: a ladder of open-loop rates (--rates, default 100..5000/s), each for
// --duration (default 10 s), giving the throughput/latency curve (curve.csv) and its knee
// (knee.ts). The ladder stops after the first saturated step. The headline is the knee's step.
import { findKnee, saturatedStep, sustained } from './knee.ts';
import type { CurvePoint } from './knee.ts';
import { RunAbortedError } from './scenario.ts';
import type { Scenario } from './scenario.ts';
import { runStep, warmUp } from './steps.ts';
import type { StepResult } from './steps.ts';
import { prepareWorkload } from './workloads.ts';

export const sweepScenario: Scenario = async (ctx) => {
  const { rates, connections, durationMs, warmupMs, workload, p99Ms } = ctx.args;
  await prepareWorkload(workload, ctx.target, ctx.signal);
  await warmUp(ctx, { engine: 'open', rateRps: rates[0]!, connections, durationMs: warmupMs, workload });
  const points: (CurvePoint & { step: string; p50Ms: number; p999Ms: number })[] = [];
  const results = new Map<string, StepResult>();
  for (const rateRps of rates) {
    if (ctx.signal.aborted) break;
    const r = await runStep(ctx, `r${rateRps}`, { engine: 'open', rateRps, connections, durationMs, workload });
    const l = r.summary.latencyMs.corrected!;
    const point = { step: r.name, rateRps, okPerSec: r.summary.okPerSec, errorRate: r.summary.errorRate, p50Ms: l.p50, p99Ms: l.p99, p999Ms: l.p999 };
    points.push(point);
    results.set(r.name, r);
    if (saturatedStep(point)) { ctx.log(`  -> saturated at ${rateRps}/s; the ladder stops here`); break; }
  }
  if (points.length === 0) throw new RunAbortedError();
  const knee = findKnee(points, p99Ms);
  const kneeStep = knee === null ? null : points.find((p) => p.rateRps === knee.rateRps)!;
  const header = 'rateRps,okPerSec,errorRate,p50Ms,p99Ms,p999Ms,sustained';
  await ctx.folder.writeText('curve.csv', `${[header, ...points.map((p) => [p.rateRps, p.okPerSec.toFixed(1), p.errorRate, p.p50Ms, p.p99Ms, p.p999Ms, sustained(p)].join(','))].join('\n')}\n`);
  ctx.log('sweep: rate/s   ok/s   p50 ms   p99 ms   p99.9 ms');
  for (const p of points) {
    ctx.log(`  ${String(p.rateRps).padStart(10)} ${p.okPerSec.toFixed(0).padStart(6)} ${p.p50Ms.toFixed(2).padStart(8)} ${p.p99Ms.toFixed(2).padStart(8)} ${p.p999Ms.toFixed(2).padStart(10)}${p === kneeStep ? '   <- knee' : ''}`);
  }
  const why = !sustained(points[0]!) ? 'the first step was already not sustained' : `the first step's p99 ${points[0]!.p99Ms} ms is over --p99-ms ${p99Ms}`;
  ctx.log(knee === null ? `sweep: no knee (${why})` : `sweep: knee at ${knee.rateRps}/s (p99 ${knee.p99Ms} ms)`);
  const headline = results.get(kneeStep?.step ?? points[0]!.step)!;
  return { summary: headline.summary, details: { p99BoundMs: p99Ms, headlineStep: headline.name, knee: kneeStep, curve: points } };
};
