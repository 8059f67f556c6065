// One measured load step: run an engine, store the step in the run folder, print its summary.
import { performance } from 'node:perf_hooks';
import { runClosedLoop } from '../closed-loop.ts';
import { formatUsage, snapshotUsage, usageBetween } from '../report/cluster-usage.ts';
import { currentLoadAverage1m } from '../report/run-environment.ts';
import type { LoadResult } from '../load-result.ts';
import { runOpenLoop } from '../open-loop.ts';
import { formatSummary, summarize } from '../report/run-summary.ts';
import { formatSlowSeconds } from '../report/slow-seconds.ts';
import type { RunSummary } from '../report/run-summary.ts';
import type { ScenarioContext } from './scenario.ts';
import { workloadRequests } from './workloads.ts';
import type { WorkloadName } from './workloads.ts';

export interface StepResult {
  name: string;
  result: LoadResult;
  summary: RunSummary;
}

export interface OpenStep { engine: 'open'; rateRps: number; connections: number; durationMs: number; workload: WorkloadName }
export interface ClosedStep { engine: 'closed'; connections: number; durationMs: number; workload: WorkloadName }

function describe(step: OpenStep | ClosedStep, custom: boolean): string {
  const seconds = `${(step.durationMs / 1000).toFixed(step.durationMs % 1000 === 0 ? 0 : 1)} s`;
  const what = custom ? 'the target\'s own requests' : step.workload;
  return step.engine === 'open'
    ? `open loop ${step.rateRps}/s, ${step.connections} connections, ${what}, ${seconds}`
    : `closed loop, ${step.connections} connections, ${what}, ${seconds}`;
}

export async function runStep(ctx: ScenarioContext, stepName: string, step: OpenStep | ClosedStep): Promise<StepResult> {
  // Alternated runs keep every arm's and round's steps apart in the one folder (r2-etcd-c8).
  const name = `${ctx.stepPrefix ?? ''}${stepName}`;
  ctx.log(`${name}: ${describe(step, ctx.requests !== undefined)}`);
  const common = {
    target: ctx.target, connections: step.connections, durationMs: step.durationMs,
    buildRequest: ctx.requests ?? workloadRequests(step.workload), timeoutMs: ctx.args.timeoutMs, signal: ctx.signal,
    ...(ctx.tls ? { tls: ctx.tls } : {}),
  };
  const source = ctx.usage();
  const loadAtStart = currentLoadAverage1m();
  const before = await snapshotUsage(source, () => performance.now());
  if (step.engine === 'open') ctx.metrics?.rate(step.rateRps);
  const result = step.engine === 'open'
    ? await runOpenLoop({ ...common, rateRps: step.rateRps, ...(ctx.preconnectPath ? { preconnectPath: ctx.preconnectPath } : {}), ...(ctx.metrics ? { onOutcome: ctx.metrics.onOutcome } : {}) })
    : await runClosedLoop({ ...common, timeoutMs: Math.max(1000, Math.round(ctx.args.timeoutMs / 1000) * 1000) });
  await ctx.folder.writeStep(name, result);
  const usage = usageBetween(before, await snapshotUsage(source, () => performance.now()));
  // The machine's 1-minute load beside the step: neighbours on shared cores inflate latency.
  const loadAverage1m = { atStart: loadAtStart, atEnd: currentLoadAverage1m() };
  await ctx.folder.writeJson(`${name}-cluster.json`, { ...usage, loadAverage1m });
  const summary = summarize([result]);
  const slow = formatSlowSeconds(result.series);
  for (const line of [...formatSummary(summary), ...(slow === null ? [] : [slow]), ...formatUsage(usage)]) ctx.log(line);
  ctx.log(`  machine      load average (1 min) ${loadAverage1m.atStart.toFixed(1)} -> ${loadAverage1m.atEnd.toFixed(1)}`);
  const done = { name, result, summary };
  ctx.onStep?.(done);
  return done;
}

/** A warm-up step (JIT, connection pools, page cache) stored as warmup.* and left out of the headline. */
export async function warmUp(ctx: ScenarioContext, step: OpenStep | ClosedStep): Promise<void> {
  if (step.durationMs <= 0 || ctx.signal.aborted) return;
  // The closed-loop engine runs whole seconds.
  const durationMs = step.engine === 'closed' ? Math.max(1000, Math.round(step.durationMs / 1000) * 1000) : step.durationMs;
  await runStep(ctx, 'warmup', { ...step, durationMs });
}
