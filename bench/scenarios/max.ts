// just bench max: the highest sustained ok/s of closed-loop writes whose p99 stays under
// --p99-ms (default 50), searching over connection counts (max-search.ts). Each step runs
// --duration (default 10 s). Closed loop has no schedule: p99 here is service time.
import { bestStep, maxErrorRate, nextConnections, passes } from './max-search.ts';
import type { MaxStep } from './max-search.ts';
import { RunAbortedError } from './scenario.ts';
import type { Scenario } from './scenario.ts';
import { runStep, warmUp } from './steps.ts';
import type { StepResult } from './steps.ts';
import { prepareWorkload } from './workloads.ts';

export const maxScenario: Scenario = async (ctx) => {
  const { maxConnections, durationMs, warmupMs, workload } = ctx.args;
  const p99Ms = ctx.args.p99Ms ?? 50;
  await prepareWorkload(workload, ctx.target, ctx.signal);
  await warmUp(ctx, { engine: 'closed', connections: Math.min(16, maxConnections), durationMs: warmupMs, workload });
  const steps: MaxStep[] = [];
  const results = new Map<number, StepResult>();
  for (let c = nextConnections(steps, p99Ms, maxConnections); c !== null && !ctx.signal.aborted; c = nextConnections(steps, p99Ms, maxConnections)) {
    const r = await runStep(ctx, `c${c}`, { engine: 'closed', connections: c, durationMs, workload });
    const step = { connections: c, okPerSec: r.summary.okPerSec, p99Ms: r.summary.latencyMs.raw.p99, errorRate: r.summary.errorRate };
    steps.push(step);
    results.set(c, r);
    ctx.log(`  -> ${passes(step, p99Ms) ? 'within' : 'OVER'} the bound p99 <= ${p99Ms} ms, errors <= ${maxErrorRate * 100}%`);
  }
  if (steps.length === 0) throw new RunAbortedError();
  const best = bestStep(steps, p99Ms);
  const headline = best === null ? results.get(steps[0]!.connections)! : results.get(best.connections)!;
  ctx.log(best === null
    ? `max: no step kept p99 <= ${p99Ms} ms with errors <= ${maxErrorRate * 100}%`
    : `max: ${best.okPerSec.toFixed(0)} ok/s at ${best.connections} connections (p99 ${best.p99Ms} ms <= ${p99Ms} ms)`);
  return {
    summary: headline.summary,
    details: {
      p99BoundMs: p99Ms, maxErrorRate, headlineStep: headline.name,
      best: best === null ? null : { ...best },
      steps: steps.map((s) => ({ ...s, step: `c${s.connections}`, passed: passes(s, p99Ms) })),
    },
  };
};
