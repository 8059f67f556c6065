// just bench soak: a long open-loop run (--duration, default 10 min, at --rate, default 500/s)
// while each node's RSS is sampled from /metrics every --sample-interval (default 10 s).
// Reports memory growth per node (memory.csv) and latency drift first -> last window.
import { performance } from 'node:perf_hooks';
import { startMemorySampler } from './node-memory.ts';
import type { Scenario } from './scenario.ts';
import { latencyDrift, nodeMemory, soakWarnings } from './soak-analysis.ts';
import { runStep, warmUp } from './steps.ts';
import { prepareWorkload } from './workloads.ts';

const mib = (b: number | null): string => (b === null ? '-' : `${(b / 2 ** 20).toFixed(1)} MiB`);

export const soakScenario: Scenario = async (ctx) => {
  const { rateRps, connections, durationMs, warmupMs, workload, sampleIntervalMs } = ctx.args;
  if (ctx.nodes.length === 0) ctx.log('soak: the target names no nodes; memory is not sampled');
  await prepareWorkload(workload, ctx.target, ctx.signal);
  await warmUp(ctx, { engine: 'open', rateRps, connections, durationMs: warmupMs, workload });
  const sampler = startMemorySampler(ctx.nodes, sampleIntervalMs, () => performance.now());
  let samples;
  let main;
  try {
    main = await runStep(ctx, 'load', { engine: 'open', rateRps, connections, durationMs, workload });
  } finally {
    samples = await sampler.stop();
    await ctx.folder.writeText('memory.csv', `${['atMs,node,rssBytes', ...samples.map((s) => `${Math.round(s.atMs)},${s.node},${s.rssBytes ?? ''}`)].join('\n')}\n`);
  }
  const memory = nodeMemory(samples);
  const drift = latencyDrift(main.result.series);
  const warnings = soakWarnings(memory, drift);
  for (const m of memory) ctx.log(`  ${m.node} RSS ${mib(m.firstBytes)} -> ${mib(m.lastBytes)} (peak ${mib(m.peakBytes)}, ${m.samples} samples)`);
  const ms = (v: number | null | undefined) => (v == null ? '-' : v.toFixed(1));
  ctx.log(`  p99 drift: ${ms(drift.firstP99Ms)} ms (first ${drift.windowSeconds} s) -> ${ms(drift.lastP99Ms)} ms (last ${drift.windowSeconds} s)`);
  for (const w of warnings) ctx.log(`  WARNING: ${w}`);
  return { summary: main.summary, details: { rateRps, workload, sampleIntervalMs, memory, drift, warnings } };
};
