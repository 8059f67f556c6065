/**
 * Phase 7, store: results.json, history.jsonl, events.jsonl (faults, trials and node events by
 * time) and histograms.json in the run folder.
 */
import { join } from 'node:path';
import { encodeHistogram, percentileTable, type Histogram } from '../../../cluster/common/histograms.ts';
import { writeHistoryJsonl } from '../../../reports/run-files/history-file.ts';
import { exitCodeOf, type checkRun } from '../../checker/run-checks.ts';
import type { WorkloadCounts } from '../../workload/append-workload.ts';
import { writeJson, writeJsonl } from '../run-folder.ts';
import type { RunContext } from '../run-context.ts';
import { chaosEventSchema, chaosHistogramsSchema, chaosResultsSchema } from '../../../reports/run-files/chaos-run-files.ts';
import { checkedRunFile } from '../../../reports/run-files/run-file-check.ts';
import type { Quantiles, RunOutcome, RunResults } from '../run-types.ts';

export function quantiles(h: Histogram): Quantiles {
  const t = percentileTable(h);
  return { count: t.count, p50: t.p50Ms, p90: t.p90Ms, p99: t.p99Ms, max: t.maxMs };
}

export function store(ctx: RunContext, checked: ReturnType<typeof checkRun>): RunOutcome {
  const o = ctx.options;
  const appendCounts = ctx.appendLoad.stats();
  const registerCounts = ctx.registerLoad.stats();
  const pinnedCounts = ctx.runRegister && ctx.pinnedLoad ? ctx.pinnedLoad.stats() : null;
  const writeLatency = ctx.appendLoad.latency;
  const results: RunResults = {
    verdict: checked.verdict, reason: checked.reason,
    experiment: o.experiment.name, seed: o.seed, trials: ctx.perTrial.length, trialsPlanned: o.trials,
    electionMs: quantiles(ctx.election), unavailabilityMs: quantiles(ctx.unavailability), writeLatencyMs: quantiles(writeLatency),
    workload: sumCounts(ctx.runAppend ? appendCounts : null, ctx.runRegister ? registerCounts : null, pinnedCounts),
    workloads: { ...(ctx.runAppend ? { append: appendCounts } : {}), ...(ctx.runRegister ? { register: registerCounts } : {}), ...(pinnedCounts ? { pinned: pinnedCounts } : {}) },
    finishedAt: new Date().toISOString(),
    checks: checked.checks, checkMs: checked.checkMs, perTrial: ctx.perTrial,
  };
  writeHistoryJsonl(join(ctx.runDir, 'history.jsonl'), ctx.history.events);
  const events = [
    ...ctx.faultLog,
    ...ctx.perTrial.map((t) => ({ type: 'trial', atMs: t.faultAtMs, ...t })),
    ...ctx.poller.sorted().map((e) => ({ type: 'node', atMs: e.ts, ...e })),
  ].sort((a, b) => ((a.atMs as number | null) ?? 0) - ((b.atMs as number | null) ?? 0));
  writeJsonl(ctx.runDir, 'events.jsonl', events.map((e, i) => checkedRunFile(chaosEventSchema, `events.jsonl line ${i + 1}`, e)));
  writeJson(ctx.runDir, 'histograms.json', checkedRunFile(chaosHistogramsSchema, 'histograms.json', {
    unit: 'microseconds', encoding: 'HdrHistogram compressed base64',
    electionMs: encodeHistogram(ctx.election), unavailabilityMs: encodeHistogram(ctx.unavailability), writeLatencyMs: encodeHistogram(writeLatency),
  }));
  writeJson(ctx.runDir, 'results.json', checkedRunFile(chaosResultsSchema, 'results.json', results));
  return { verdict: checked.verdict, exitCode: exitCodeOf(checked.verdict), runDir: ctx.runDir, results };
}

function sumCounts(...parts: (WorkloadCounts | null)[]): WorkloadCounts {
  const sum = { invoked: 0, ok: 0, fail: 0, info: 0, skipped: 0, processes: 0 };
  for (const p of parts) if (p) for (const k of Object.keys(sum) as (keyof WorkloadCounts)[]) sum[k] += p[k];
  return sum;
}
