// just bench max: the highest sustained ok/s of closed-loop writes whose p99 stays under
// --p99-ms (default 50), searching over connection counts (max-search.ts). Each step runs
// --duration (default 10 s). Closed loop has no schedule: p99 here is service time.
import { alternateScenario, medianClusterRound } from './alternate.ts';
import { bestStep, maxErrorRate, nextConnections, passes } from './max-search.ts';
import type { MaxStep } from './max-search.ts';
import { RunAbortedError } from './scenario.ts';
import type { Scenario } from './scenario.ts';
import { runStep, warmUp } from './steps.ts';
import type { StepResult } from './steps.ts';
import { prepareWorkload } from './workloads.ts';

const once: Scenario = async (ctx) => {
  const { maxConnections, durationMs, warmupMs, workload } = ctx.args;
  const p99Ms = ctx.args.p99Ms ?? 50;
  await prepareWorkload(workload, ctx.target, ctx.signal);
  await warmUp(ctx, { engine: 'closed', connections: Math.min(16, maxConnections), durationMs: warmupMs, workload });
  const steps: MaxStep[] = [];
  // Parallel to `steps`; a count run a second time (to confirm a failure) is stored as c<N>-again.
  const results: StepResult[] = [];
  for (let c = nextConnections(steps, p99Ms, maxConnections); c !== null && !ctx.signal.aborted; c = nextConnections(steps, p99Ms, maxConnections)) {
    const again = steps.some((s) => s.connections === c);
    const r = await runStep(ctx, again ? `c${c}-again` : `c${c}`, { engine: 'closed', connections: c, durationMs, workload });
    const step = { connections: c, okPerSec: r.summary.okPerSec, p99Ms: r.summary.latencyMs.raw.p99, errorRate: r.summary.errorRate };
    steps.push(step);
    results.push(r);
    const ok = passes(step, p99Ms);
    ctx.log(`  -> ${ok ? 'within' : 'OVER'} the bound p99 <= ${p99Ms} ms, errors <= ${maxErrorRate * 100}%${ok || again ? '' : ' (to be confirmed)'}`);
  }
  if (steps.length === 0) throw new RunAbortedError();
  const best = bestStep(steps, p99Ms);
  const headline = results[best === null ? 0 : steps.indexOf(best)]!;
  ctx.log(best === null
    ? `max: no step kept p99 <= ${p99Ms} ms with errors <= ${maxErrorRate * 100}%`
    : `max: ${best.okPerSec.toFixed(0)} ok/s at ${best.connections} connections (p99 ${best.p99Ms} ms <= ${p99Ms} ms)`);
  const ladder = steps.map((s, i) => `${results[i]!.name} ${s.okPerSec.toFixed(0)}/s p99 ${s.p99Ms.toFixed(1)}${passes(s, p99Ms) ? '' : '!'}`);
  ctx.log(`  steps: ${ladder.join(', ')}  (! = over the bound)`);
  return {
    summary: headline.summary,
    details: {
      p99BoundMs: p99Ms, maxErrorRate, headlineStep: headline.name,
      best: best === null ? null : { ...best },
      steps: steps.map((s, i) => ({ ...s, step: results[i]!.name, passed: passes(s, p99Ms) })),
    },
  };
};

// Alternated: the headline is the cluster round with the median best ok/s.
export const maxScenario: Scenario = (ctx) => (ctx.args.alternate.length > 0 ? alternateScenario(ctx, once, medianClusterRound) : once(ctx));
