/**
 * One chaos CLI run on an opened target, for every runtime (chaos/cli.ts locally,
 * cluster/containers/docker-chaos.ts on containers): report the leftovers healed, heal on exit,
 * run the experiment with the parsed options, stop a cluster started for the run, print the
 * summary. The run folder is the last line printed: scripts take it with `tail -1`.
 */
import { join } from 'node:path';
import { repoRoot } from '../../cluster/config.ts';
import type { ChaosOptions } from '../cli-options.ts';
import type { Experiment } from '../experiments/experiment.ts';
import type { HealReport } from '../nemesis/heal.ts';
import { installHealOnExit } from '../nemesis/heal-on-exit.ts';
import { reportLine } from '../../reports/render-run.ts';
import { runExperiment } from './run-experiment.ts';
import { summaryLines } from './run-summary.ts';
import type { RunTarget } from './run-types.ts';

export interface CliRun {
  readonly experiment: Experiment;
  readonly options: ChaosOptions;
  readonly argv: readonly string[];
  /** Opens the target, healing what an earlier run left. */
  readonly open: () => Promise<{ target: RunTarget; leftovers: HealReport }>;
  /** What the banner says after the workload (runtime, links or partitions). */
  readonly describe: (target: RunTarget) => string;
  /** Used when --recovery-timeout is not given. */
  readonly recoveryTimeoutMsDefault: number;
  /** Whether the runner started the cluster, and how it stops it (not called with --keep-cluster). */
  readonly started: boolean;
  readonly stopStarted: () => Promise<void>;
  /** "cluster" or "docker cluster", for the closing line about a cluster started for the run. */
  readonly clusterNoun: string;
  readonly stoppedVerb: string;
  readonly runInfo?: Readonly<Record<string, unknown>>;
}

export async function runFromCli(r: CliRun): Promise<number> {
  const o = r.options;
  const stop = async (): Promise<void> => {
    if (r.started && !o.keepCluster) await r.stopStarted();
  };
  let outcome;
  let uninstall = () => {};
  try {
    const { target, leftovers } = await r.open();
    for (const h of leftovers.healed) console.log(`healed a fault an earlier run left: ${h.describe}`);
    uninstall = installHealOnExit(async () => {
      const report = await target.nemesis.healAll();
      await stop();
      return report;
    });
    const trials = o.trials ?? r.experiment.defaultTrials;
    const holdMs = o.holdMs ?? r.experiment.defaultHoldMs;
    console.log(`${r.experiment.name}: ${trials} trial(s), hold ${holdMs} ms, ${o.rateRps} ops/s per workload (${o.workload}), ${r.describe(target)}`);
    if (o.unsafeStaleReads) console.log('UNSAFE: --unsafe-stale-reads — register reads are served from any node\'s local copy; expect the linearizability check to fail');
    outcome = await runExperiment(target, {
      experiment: r.experiment, trials, seed: o.seed, rateRps: o.rateRps, holdMs, concurrencyMax: o.concurrencyMax,
      workload: o.workload, registerKeys: o.registerKeys, registerClients: o.registerClients,
      checkBudgetMs: o.checkBudgetMs, unsafeStaleReads: o.unsafeStaleReads, metricsPort: o.metricsPort,
      ...(o.pinnedClients !== undefined ? { pinnedClients: o.pinnedClients } : {}),
      recoveryTimeoutMs: o.recoveryTimeoutMs ?? r.recoveryTimeoutMsDefault, runsDir: join(repoRoot, 'reports', 'runs'), log: (line) => console.log(line),
      runInfo: { clusterStartedByRunner: r.started, keepCluster: o.keepCluster, argv: r.argv, ...r.runInfo },
    });
  } finally {
    uninstall();
    await stop();
  }
  if (r.started) console.log(o.keepCluster ? `the ${r.clusterNoun} started for this run is still up (--keep-cluster)` : `${r.stoppedVerb} the ${r.clusterNoun} started for this run`);
  for (const line of summaryLines(outcome.results)) console.log(line);
  console.log(reportLine(outcome.runDir));
  console.log(outcome.runDir);
  return outcome.exitCode;
}
