// just bench-cluster: a quick look at the cluster through the gateway, writes only:
// a closed-loop run at 64 connections (how much it takes) and an open-loop run at an even
// 500/s (how fast it answers at a steady load), --duration each (default 10 s).
// The headline (for SLOs and compare) is the 500/s run; the closed-loop figures are in details.
import type { Scenario } from './scenario.ts';
import { runStep, warmUp } from './steps.ts';

export const clusterQuickConnections = 64;
export const clusterQuickRateRps = 500;

export const clusterQuickScenario: Scenario = async (ctx) => {
  const { durationMs, warmupMs } = ctx.args;
  await warmUp(ctx, { engine: 'open', rateRps: clusterQuickRateRps, connections: clusterQuickConnections, durationMs: warmupMs, workload: 'write' });
  const closedMs = Math.max(1000, Math.round(durationMs / 1000) * 1000);
  const closed = await runStep(ctx, 'closed-64', { engine: 'closed', connections: clusterQuickConnections, durationMs: closedMs, workload: 'write' });
  if (ctx.signal.aborted) return { summary: closed.summary, details: { headlineStep: 'closed-64' } };
  const open = await runStep(ctx, 'open-500', { engine: 'open', rateRps: clusterQuickRateRps, connections: clusterQuickConnections, durationMs, workload: 'write' });
  return { summary: open.summary, details: { headlineStep: 'open-500', closedLoop: { step: 'closed-64', ...closed.summary } } };
};
