// just bench <N>rps|max --alternate floor,etcd [--rounds 3]: the cluster and the references run
// the same scenario in turn, round after round (cluster, floor, etcd, cluster, floor, …), and the
// table compares medians over rounds. On a shared or virtual machine the
// speed drifts by tens of percent within minutes; runs taken apart cannot be compared, runs
// alternated can. A reference is started before each of its runs and stopped after, so it
// starts empty every round. So does a cluster this run started: each round after the first
// gets a new one (the old one's logs go under r<k>/). A cluster that was already running (or
// --target) stays up and keeps what earlier rounds wrote, which then weighs on later rounds
// (larger snapshots, a larger heap): the summary says so.
import { join } from 'node:path';
import { checkReferences, startReferenceTarget } from '../cli/reference-target.ts';
import { currentLoadAverage1m } from '../report/run-environment.ts';
import { headlineLatency, summarize } from '../report/run-summary.ts';
import type { RunSummary } from '../report/run-summary.ts';
import type { Scenario, ScenarioContext, ScenarioOutcome } from './scenario.ts';
import { RunAbortedError } from './scenario.ts';
import type { StepResult } from './steps.ts';


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
  const lines = [`medians over ${rounds} alternated round${rounds === 1 ? '' : 's'} (corrected latency when the runs had a schedule):`];
  for (const [arm, m] of Object.entries(medians)) {
    lines.push(`  ${arm.padEnd(8)} p50 ${ms(m.p50)}  p90 ${ms(m.p90)}  p99 ${ms(m.p99)}  p99.9 ${ms(m.p999)}  max ${ms(m.max)} ms; ok ${m.okPerSec.toFixed(1)}/s, errors ${m.errors}`);
  }
  const c = medians.cluster!;
  for (const [arm, m] of Object.entries(medians)) {
    if (arm === 'cluster') continue;
    const x = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');
    lines.push(`  cluster / ${arm}: p50 ${x(c.p50, m.p50)}, p99 ${x(c.p99, m.p99)}, p99.9 ${x(c.p999, m.p999)}, ok/s ${x(c.okPerSec, m.okPerSec)}`);
  }
  // What TLS costs etcd, beside what security costs the cluster (cluster / insecure above).
  const [tlsOn, tlsOff] = [medians['etcd-tls'], medians.etcd];
  if (tlsOn && tlsOff) {
    const x = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');
    lines.push(`  etcd-tls / etcd: p50 ${x(tlsOn.p50, tlsOff.p50)}, p99 ${x(tlsOn.p99, tlsOff.p99)}, p99.9 ${x(tlsOn.p999, tlsOff.p999)}, ok/s ${x(tlsOn.okPerSec, tlsOff.okPerSec)}`);
  }
  return lines;
}

/** One cluster round: what its scenario returned, and the load steps it ran. */
export interface ClusterRound { outcome: ScenarioOutcome; steps: StepResult[] }
/** The headline of an alternated run, from the cluster's rounds, and the steps it is about. */
export type CombineRounds = (rounds: readonly ClusterRound[]) => { summary: RunSummary; steps: string[] };

/** Fixed-rate runs: the headline steps of every cluster round merged (each request counts once). */
export const mergeClusterRounds: CombineRounds = (rounds) => {
  const named = rounds.flatMap((r) => r.steps.filter((s) => (r.outcome.details.steps as string[]).includes(s.name)));
  return { summary: summarize(named.map((s) => s.result)), steps: named.map((s) => s.name) };
};

/** Searches (max): the cluster round whose best ok/s is the median (the lower middle for an even count). */
export const medianClusterRound: CombineRounds = (rounds) => {
  const sorted = [...rounds].sort((a, b) => a.outcome.summary.okPerSec - b.outcome.summary.okPerSec);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const step = mid.outcome.details.headlineStep;
  return { summary: mid.outcome.summary, steps: typeof step === 'string' ? [step] : [] };
};

export async function alternateScenario(ctx: ScenarioContext, once: Scenario, combine: CombineRounds): Promise<ScenarioOutcome> {
  const { rounds, alternate } = ctx.args;
  // Refuse before any load when a reference cannot run here.
  checkReferences(alternate);
  const arms = ['cluster', ...alternate] as const;
  if (!ctx.restartCluster && rounds > 1) ctx.log('note: this cluster was not started by this run, so it stays up across rounds and keeps what earlier rounds wrote; the references start empty every round');
  const outcomes: Record<string, ScenarioOutcome[]> = Object.fromEntries(arms.map((a) => [a, []]));
  // What each reference ran as (its first round's description: version, security, via).
  const described: Record<string, unknown> = {};
  // The 1-minute load average at each turn's start and end, per arm: the figures' context.
  const load: Record<string, { atStart: number; atEnd: number }[]> = Object.fromEntries(arms.map((a) => [a, []]));
  const clusterRounds: ClusterRound[] = [];
  for (let r = 1; r <= rounds && !ctx.signal.aborted; r++) {
    for (const arm of arms) {
      if (ctx.signal.aborted) break;
      ctx.log(`round ${r}/${rounds}, ${arm}`);
      const steps: StepResult[] = [];
      const base = { ...ctx, stepPrefix: `r${r}-${arm}-`, onStep: (s: StepResult) => steps.push(s) };
      let outcome: ScenarioOutcome | null = null;
      const loadAtStart = currentLoadAverage1m();
      try {
        if (arm === 'cluster') {
          // Empty like the references: a cluster holding earlier rounds' writes is slower at
          // everything that grows with state (measured: bench max round 2 at half of round 1).
          const fresh = r > 1 && ctx.restartCluster ? await ctx.restartCluster(join(ctx.folder.dir, `r${r - 1}`)) : {};
          outcome = await once({ ...base, ...fresh });
        } else {
          const t = await startReferenceTarget(arm, ctx.args.fsync, ctx.log);
          described[arm] ??= t.cluster;
          try {
            // requests/tls undefined for `insecure`: the cluster's own workload over plain http.
            const { requests: _r, tls: _t, preconnectPath: _p, ...rest } = base;
            outcome = await once({
              ...rest, target: t.url, nodes: t.cluster.nodes, usage: t.usage,
              ...(t.requests ? { requests: t.requests } : {}), ...(t.tls ? { tls: t.tls } : {}), ...(t.preconnectPath ? { preconnectPath: t.preconnectPath } : {}),
            });
          } finally {
            // A cluster arm's (insecure) logs go under r<k>-<arm>/cluster-logs; etcd and floor keep none.
            await t.release(join(ctx.folder.dir, `r${r}-${arm}`));
          }
        }
      } catch (err) {
        // Ctrl-C in the middle of a turn: keep the rounds that finished.
        if (!(err instanceof RunAbortedError)) throw err;
      }
      if (outcome === null || ctx.signal.aborted) break;
      outcomes[arm]!.push(outcome);
      load[arm]!.push({ atStart: loadAtStart, atEnd: currentLoadAverage1m() });
      if (arm === 'cluster') clusterRounds.push({ outcome, steps });
    }
  }
  if (clusterRounds.length === 0) throw new RunAbortedError();
  const complete = Math.min(...arms.map((a) => outcomes[a]!.length));
  const perRound = Object.fromEntries(arms.map((a) => [a, outcomes[a]!.map((o) => figures(o.summary))]));
  const medians = Object.fromEntries(arms.filter((a) => perRound[a]!.length > 0).map((a) => [a, medianFigures(perRound[a]!)]));
  for (const line of formatAlternation(medians, Math.max(1, complete))) ctx.log(line);
  for (const a of arms) ctx.log(`  load average (1 min) during ${a}: ${load[a]!.map((l) => `${l.atStart.toFixed(1)}->${l.atEnd.toFixed(1)}`).join(', ')} (per round)`);
  const headline = combine(clusterRounds);
  return {
    summary: headline.summary,
    details: {
      steps: headline.steps,
      alternation: {
        rounds, completeRounds: complete, arms, medians, references: described, loadAverage1m: load,
        perRound,
        details: Object.fromEntries(arms.map((a) => [a, outcomes[a]!.map((o) => o.details)])),
      },
    },
  };
}
