// just load: the seed's load test, 60 s of writes from 10 clients at 100 to 500 writes/s.
// The open-loop engine runs one rate per step, so the ramp is five equal stages of 100, 200, 300,
// 400 and 500/s (--duration is the total). The headline merges the stages' histograms and counts.
import { seriesCsv } from '../report/run-folder.ts';
import { formatSummary, summarize } from '../report/run-summary.ts';
import { RunAbortedError } from './scenario.ts';
import type { Scenario } from './scenario.ts';
import { runStep, warmUp } from './steps.ts';
import type { StepResult } from './steps.ts';

export const loadStagesRps = [100, 200, 300, 400, 500];

export const loadScenario: Scenario = async (ctx) => {
  const { connections, durationMs, warmupMs } = ctx.args;
  await warmUp(ctx, { engine: 'open', rateRps: loadStagesRps[0]!, connections, durationMs: warmupMs, workload: 'write' });
  const stageMs = Math.max(1, Math.floor(durationMs / loadStagesRps.length));
  const stages: StepResult[] = [];
  for (const rateRps of loadStagesRps) {
    if (ctx.signal.aborted) break;
    stages.push(await runStep(ctx, `stage-${rateRps}`, { engine: 'open', rateRps, connections, durationMs: stageMs, workload: 'write' }));
  }
  if (stages.length === 0) throw new RunAbortedError();
  // One series over the whole ramp: each stage's seconds follow the previous stage's.
  const parts: string[] = [];
  let offset = 0;
  for (const s of stages) {
    const csv = seriesCsv(s.result.series, offset).split('\n');
    parts.push(...(parts.length === 0 ? csv : csv.slice(1)).filter((l) => l !== ''));
    offset += s.result.series.length;
  }
  await ctx.folder.writeText('series.csv', `${parts.join('\n')}\n`);
  const summary = summarize(stages.map((s) => s.result));
  ctx.log(`load: whole ramp ${loadStagesRps[0]}-${loadStagesRps.at(-1)}/s over ${(durationMs / 1000).toFixed(0)} s`);
  for (const line of formatSummary(summary)) ctx.log(line);
  return { summary, details: { stagesRps: loadStagesRps.slice(0, stages.length), stageMs, connections, steps: stages.map((s) => s.name) } };
};
