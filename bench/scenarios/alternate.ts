// just bench <N>rps --alternate floor,etcd [--rounds 3]: the cluster and the references run in
// turn, round after round (cluster, floor, etcd, cluster, floor, …), each for --duration after its
// own warm-up, and the table compares medians over rounds. On a shared or virtual machine the
// speed drifts by tens of percent within minutes; runs taken apart cannot be compared, runs
// alternated can. A reference is started before each of its runs and stopped after; the
// cluster stays up (idle between its runs: heartbeats only).
import type { BenchTarget } from '../cli/bench-target.ts';
import { etcdVersion } from '../etcd/etcd-cluster.ts';
import { startEtcdTarget } from '../etcd/etcd-target.ts';
import { startFloorTarget } from '../floor/floor-target.ts';
import { headlineLatency, summarize } from '../report/run-summary.ts';
import type { RunSummary } from '../report/run-summary.ts';
import type { LoadResult } from '../load-result.ts';
import type { ReferenceName } from './references.ts';
import type { ScenarioContext, ScenarioOutcome } from './scenario.ts';
import { RunAbortedError } from './scenario.ts';
import { runStep } from './steps.ts';
import type { OpenStep } from './steps.ts';


const starters: Record<ReferenceName, (ctx: ScenarioContext) => Promise<BenchTarget>> = {
  floor: (ctx) => startFloorTarget(ctx.args.fsync, ctx.log),
  etcd: (ctx) => startEtcdTarget(ctx.log),
};

export interface ArmFigures { okPerSec: number; errors: number; p50: number; p90: number; p99: number; p999: number; max: number }

function figures(s: RunSummary): ArmFigures {
  const l = headlineLatency(s);
  return { okPerSec: s.okPerSec, errors: s.errors, p50: l.p50, p90: l.p90, p99: l.p99, p999: l.p999, max: l.max };
}

/** The median of each figure over rounds (the mean of the middle two for an even count). */
export function medianFigures(rounds: readonly ArmFigures[]): ArmFigures {
  const median = (k: keyof ArmFigures): number => {
    const v = rounds.map((r) => r[k]).sort((a, b) => a - b);
    const mid = Math.floor(v.length / 2);
    return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  };
  return { okPerSec: median('okPerSec'), errors: median('errors'), p50: median('p50'), p90: median('p90'), p99: median('p99'), p999: median('p999'), max: median('max') };
}

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export function formatAlternation(medians: Readonly<Record<string, ArmFigures>>, rounds: number): string[] {
  const lines = [`medians over ${rounds} alternated round${rounds === 1 ? '' : 's'} (corrected latency):`];
  for (const [arm, m] of Object.entries(medians)) {
    lines.push(`  ${arm.padEnd(8)} p50 ${ms(m.p50)}  p90 ${ms(m.p90)}  p99 ${ms(m.p99)}  p99.9 ${ms(m.p999)}  max ${ms(m.max)} ms; ok ${m.okPerSec.toFixed(1)}/s, errors ${m.errors}`);
  }
  const c = medians.cluster!;
  for (const [arm, m] of Object.entries(medians)) {
    if (arm === 'cluster') continue;
    const x = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');
    lines.push(`  cluster / ${arm}: p50 ${x(c.p50, m.p50)}, p99 ${x(c.p99, m.p99)}, p99.9 ${x(c.p999, m.p999)}`);
  }
  return lines;
}

export async function alternateScenario(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const { rateRps, connections, durationMs, warmupMs, workload, rounds, alternate } = ctx.args;
  // Refuse before any load when a reference cannot run here.
  if (alternate.includes('etcd')) etcdVersion();
  const arms = ['cluster', ...alternate] as const;
  const step = (ms: number): OpenStep => ({ engine: 'open', rateRps, connections, durationMs: ms, workload });
  const runs: Record<string, RunSummary[]> = Object.fromEntries(arms.map((a) => [a, []]));
  const clusterResults: LoadResult[] = [];
  const steps: string[] = [];
  const runArm = async (armCtx: ScenarioContext, name: string, isCluster: boolean): Promise<RunSummary | null> => {
    if (warmupMs > 0) await runStep(armCtx, `${name}-warmup`, step(warmupMs));
    if (ctx.signal.aborted) return null;
    const s = await runStep(armCtx, name, step(durationMs));
    // details.steps are the headline's steps (the report merges them): the cluster's only.
    if (isCluster) { steps.push(name); clusterResults.push(s.result); }
    return s.summary;
  };
  for (let r = 1; r <= rounds && !ctx.signal.aborted; r++) {
    for (const arm of arms) {
      if (ctx.signal.aborted) break;
      const name = `r${r}-${arm}`;
      ctx.log(`round ${r}/${rounds}, ${arm}`);
      let summary: RunSummary | null;
      if (arm === 'cluster') {
        summary = await runArm(ctx, name, true);
      } else {
        const t = await starters[arm](ctx);
        try {
          summary = await runArm({ ...ctx, target: t.url, nodes: t.cluster.nodes, usage: t.usage, requests: t.requests }, name, false);
        } finally {
          await t.release(null);
        }
      }
      if (summary !== null) runs[arm]!.push(summary);
    }
  }
  if (clusterResults.length === 0) throw new RunAbortedError();
  const complete = Math.min(...arms.map((a) => runs[a]!.length));
  const medians = Object.fromEntries(arms.filter((a) => runs[a]!.length > 0).map((a) => [a, medianFigures(runs[a]!.map(figures))]));
  for (const line of formatAlternation(medians, complete)) ctx.log(line);
  return {
    // The headline (SLO, compare) is the cluster's rounds merged: every request counts once.
    summary: summarize(clusterResults),
    details: {
      rateRps, workload, steps, alternation: {
        rounds, completeRounds: complete, arms, medians,
        perRound: Object.fromEntries(arms.map((a) => [a, runs[a]!.map(figures)])),
      },
    },
  };
}
