// just bench <N>rps: an even N requests per second (open model) for --duration, after a warm-up
// at the same rate. Latency counts from each request's intended send time.
import { alternateScenario, mergeClusterRounds } from './alternate.ts';
import type { Scenario } from './scenario.ts';
import { runStep, warmUp } from './steps.ts';
import { prepareWorkload } from './workloads.ts';

const once: Scenario = async (ctx) => {
  const { rateRps, connections, durationMs, warmupMs, workload } = ctx.args;
  await prepareWorkload(workload, ctx.target, ctx.signal);
  await warmUp(ctx, { engine: 'open', rateRps, connections, durationMs: warmupMs, workload });
  const main = await runStep(ctx, 'load', { engine: 'open', rateRps, connections, durationMs, workload });
  return { summary: main.summary, details: { rateRps, workload, steps: [main.name] } };
};

// Alternated: every cluster round's requests count once in the headline.
export const rateScenario: Scenario = (ctx) => (ctx.args.alternate.length > 0 ? alternateScenario(ctx, once, mergeClusterRounds) : once(ctx));
