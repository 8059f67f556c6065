/**
 * One run's context: what every phase reads (target, options, seed streams, clock, history,
 * workloads, event poller, histograms, the recording fault control) and the little each phase
 * leaves for the next (trial records, abort reason, final logs). `openRun` creates the run
 * folder and writes run.json first, so even a run that dies early says what it was.
 *
 * Exports: `RunContext`, `openRun`.
 */
import { readFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { basename, join } from 'node:path';
import { createLatencyHistogram, type Histogram } from '../../cluster/common/histograms.ts';
import { MetricsEndpoint } from '../../monitoring/metrics-endpoint.ts';
import { ChaosMetrics } from '../metrics/chaos-metrics.ts';
import { repoRoot } from '../../cluster/config.ts';
import { Rng } from '../../cluster/common/rng.ts';
import type { IsolatedTrial } from '../checker/deposed-leader.ts';
import { DEFAULT_BUDGET_MS } from '../checker/linearizability.ts';
import type { LivenessBounds } from '../checker/liveness.ts';
import { defaultLiveness } from '../experiments/liveness-bounds.ts';
import type { FinalLogs } from '../checker/run-checks.ts';
import type { CheckResult } from '../checker/verdict.ts';
import type { FaultControl, LeaderInfo, TrialContext } from '../experiments/experiment.ts';
import { AppendWorkload } from '../workload/append-workload.ts';
import { HistoryRecorder } from '../workload/history-recorder.ts';
import { RegisterWorkload } from '../workload/register-workload.ts';
import { RunClock } from '../workload/run-clock.ts';
import type { CommittedLog } from './final-logs.ts';
import { NodeEventPoller } from './node-event-poller.ts';
import { createRunFolder, writeJson } from './run-folder.ts';
import { gitState } from '../../cluster/common/git-state.ts';
import { chaosRunSchema } from '../../reports/run-files/chaos-run-files.ts';
import { checkedRunFile } from '../../reports/run-files/run-file-check.ts';
import type { RunOptions, RunTarget, TrialRecord, WorkloadChoice } from './run-types.ts';

export interface RunContext {
  readonly target: RunTarget;
  readonly options: RunOptions;
  readonly log: (line: string) => void;
  readonly clock: RunClock;
  readonly startedAtMs: number;
  readonly runDir: string;
  /** The run's seed stream; each consumer forks its own (workload, register, trial-N, schedule). */
  readonly rng: Rng;
  readonly scheduleRng: Rng;
  readonly clientId: string;
  readonly workloadChoice: WorkloadChoice;
  readonly registerKeys: readonly string[];
  readonly registerClients: number;
  readonly unsafeStaleReads: boolean;
  readonly checkBudgetMs: number;
  /** The experiment's liveness bounds for this cluster, stored in run.json. */
  readonly liveness: LivenessBounds;
  readonly history: HistoryRecorder;
  readonly poller: NodeEventPoller;
  /** Both are built (their counts and histograms are reported either way); `runAppend`/`runRegister` say which run. */
  readonly appendLoad: AppendWorkload;
  readonly registerLoad: RegisterWorkload;
  /** Register clients pinned to nodes (null when off); they share the keys and the history. */
  readonly pinnedLoad: RegisterWorkload | null;
  /** What Prometheus and Grafana see of this run while it goes on. */
  readonly metrics: ChaosMetrics;
  readonly metricsEndpoint: MetricsEndpoint | null;
  readonly runAppend: boolean;
  readonly runRegister: boolean;
  /** The nemesis as experiments see it: every inject and heal also goes to `faultLog`. */
  readonly faults: FaultControl;
  readonly faultLog: Record<string, unknown>[];
  /** When each fault was asked for: a fault may take effect before its request returns. */
  readonly requestedAtMs: Map<string, number>;
  readonly election: Histogram;
  readonly unavailability: Histogram;
  readonly perTrial: TrialRecord[];
  readonly isolated: IsolatedTrial[];
  /** Checks only the live run can make (cluster-restored, final-reads). */
  readonly runtimeChecks: CheckResult[];
  /** Why the run could not finish as planned (the run-completed check); null while all is well. */
  abortReason: string | null;
  /** True once steady state held and load started: only then are recovery and final reads due. */
  loaded: boolean;
  finalLogs: CommittedLog[];
  finalLeader: string | null;
  /** What the checks need beyond the history, as stored in final-logs.json. */
  stored: FinalLogs | null;
  leader(): Promise<LeaderInfo | null>;
  waitForLeader: TrialContext['waitForLeader'];
  /** Members this runtime does not see running, as "node2 stopped". */
  notRunning(): Promise<string[]>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function openRun(target: RunTarget, o: RunOptions): RunContext {
  const clock = new RunClock();
  const startedAtMs = Date.now();
  const runDir = createRunFolder(o.runsDir, o.experiment.name, startedAtMs);
  const rng = new Rng(o.seed);
  const scheduleRng = rng.fork('schedule');
  const clientId = `chaos-${startedAtMs.toString(36)}-${o.seed.toString(36)}`;
  const workloadChoice = o.workload ?? 'both';
  const registerClients = o.registerClients ?? 5;
  // Keys carry the clientId: every register starts as nil, as the model assumes, even on a reused cluster.
  const registerKeys = Array.from({ length: o.registerKeys ?? 3 }, (_, i) => `${clientId}-k${i}`);
  const unsafeStaleReads = o.unsafeStaleReads ?? false;
  const checkBudgetMs = o.checkBudgetMs ?? DEFAULT_BUDGET_MS;
  const pinnedClients = o.pinnedClients ?? 2 * target.nodes.length;
  const liveness = o.experiment.liveness?.(target.config) ?? defaultLiveness(target.config);
  writeJson(runDir, 'run.json', checkedRunFile(chaosRunSchema, 'run.json', {
    experiment: o.experiment.name, seed: o.seed, trials: o.trials, rateRps: o.rateRps, holdMs: o.holdMs,
    concurrencyMax: o.concurrencyMax, recoveryTimeoutMs: o.recoveryTimeoutMs, clientId,
    startedAt: new Date(startedAtMs).toISOString(), historyOriginEpochMs: clock.originEpochMs,
    workload: workloadChoice, registerKeys, registerClients, unsafeStaleReads, checkBudgetMs, liveness,
    pinnedClients: workloadChoice !== 'append' && !unsafeStaleReads ? pinnedClients : 0,
    runtime: target.runtime.kind, git: gitState(repoRoot),
    versions: { project: projectVersion(), node: process.version, platform: `${platform()}-${arch()}` },
    gatewayUrl: target.gatewayUrl, config: target.config,
    ...o.runInfo,
  }));

  const faultLog: Record<string, unknown>[] = [];
  const requestedAtMs = new Map<string, number>();
  const faults: FaultControl = {
    inject: async (fault) => {
      const askedAtMs = Date.now();
      const applied = await target.nemesis.inject(fault);
      requestedAtMs.set(applied.id, askedAtMs);
      faultLog.push({ type: 'fault', phase: 'inject', atMs: applied.appliedAtMs, id: applied.id, describe: applied.describe, nodes: applied.nodes, fault, ...(applied.grudge ? { grudge: applied.grudge } : {}) });
      metrics.faultApplied(fault.kind, applied.nodes.join(',') || 'cluster');
      return applied;
    },
    heal: async (applied) => {
      const out = await target.nemesis.heal(applied);
      faultLog.push({ type: 'fault', phase: 'heal', atMs: Date.now(), id: applied.id, describe: applied.describe });
      metrics.faultHealed(applied.fault.kind, applied.nodes.join(',') || 'cluster');
      return out;
    },
  };

  const history = new HistoryRecorder(clock);
  const callTimeoutMs = target.config.gateway.failoverDeadlineMs + 2000;
  const appendLoad = new AppendWorkload({
    gatewayUrl: target.gatewayUrl, rateRps: o.rateRps, concurrencyMax: o.concurrencyMax,
    timeoutMs: callTimeoutMs, clientId, rng: rng.fork('workload'), clock, history,
  });
  const registerLoad = new RegisterWorkload({
    gatewayUrl: target.gatewayUrl, rateRps: o.rateRps, clients: registerClients, keys: registerKeys,
    timeoutMs: callTimeoutMs, clientId, rng: rng.fork('register'), history,
    ...(unsafeStaleReads ? { staleReadNodes: target.nodes } : {}),
  });
  // Pinned clients at half the register rate: a node cut off on the minority side is still asked.
  const pinnedLoad = pinnedClients > 0 && workloadChoice !== 'append' && !unsafeStaleReads ? new RegisterWorkload({
    gatewayUrl: target.gatewayUrl, rateRps: Math.max(1, o.rateRps / 2), clients: pinnedClients, keys: registerKeys,
    timeoutMs: callTimeoutMs, clientId, rng: rng.fork('pinned'), history, pinnedNodes: target.nodes, idPrefix: 'p',
  }) : null;
  const metrics = new ChaosMetrics(o.experiment.name);
  metrics.run(basename(runDir), String(o.seed));
  for (const w of [appendLoad, registerLoad, pinnedLoad]) w?.onCall((f, type, dueMs, sentMs, doneMs) => metrics.opCompleted(f, type, doneMs - dueMs, doneMs - sentMs));
  const metricsEndpoint = o.metricsPort === null ? null
    : new MetricsEndpoint({ registry: metrics.registry, job: 'chaos-runner', targetsDir: join(target.config.dataDirAbs, 'monitoring', 'targets'), port: o.metricsPort ?? 0 });

  const leader = async (): Promise<LeaderInfo | null> => {
    const statuses = await target.view.statuses();
    const maxTerm = Math.max(-1, ...statuses.map((s) => s.term ?? -1));
    const l = statuses.find((s) => s.state === 'LEADER' && s.term === maxTerm);
    return l ? { id: l.id, term: l.term! } : null;
  };

  return {
    target, options: o, log: o.log, clock, startedAtMs, runDir, rng, scheduleRng, clientId, workloadChoice,
    registerKeys, registerClients, unsafeStaleReads, checkBudgetMs, liveness, history,
    poller: new NodeEventPoller(target.nodes), appendLoad, registerLoad, pinnedLoad, metrics, metricsEndpoint,
    runAppend: workloadChoice !== 'register', runRegister: workloadChoice !== 'append', faults, faultLog, requestedAtMs,
    election: createLatencyHistogram(), unavailability: createLatencyHistogram(),
    perTrial: [], isolated: [], runtimeChecks: [], abortReason: null, loaded: false,
    finalLogs: [], finalLeader: null, stored: null,
    leader,
    waitForLeader: async ({ notOn = [], termAbove = -1, timeoutMs = o.recoveryTimeoutMs }) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const l = await leader();
        if (l && !notOn.includes(l.id) && l.term > termAbove) return l;
        if (Date.now() >= deadline) return null;
        // Polling only gates the hold time (elections are timed from the nodes' events), so it
        // can be slow enough not to load the nodes while they elect.
        await sleep(50);
      }
    },
    // Every member must be running as this runtime knows it: a node URL answered by some other
    // process (another cluster that took the port) would otherwise pass every status check.
    notRunning: async () => (await target.runtime.list()).filter((m) => m.state !== 'running').map((m) => `${m.name} ${m.state}`),
  };
}

function projectVersion(): string | null {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}
