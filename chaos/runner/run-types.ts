/**
 * What a chaos run takes (RunTarget, RunOptions) and gives back (RunOutcome, RunResults,
 * TrialRecord): the runner's public types, shared by its phases, the CLI and the report.
 */
import type { ClusterConfig } from '../../cluster/config.ts';
import type { TrialLiveness } from '../checker/liveness.ts';
import type { Verdict } from '../checker/run-checks.ts';
import type { CheckResult } from '../checker/verdict.ts';
import type { ClusterView } from '../cluster-view.ts';
import type { Experiment, FaultControl } from '../experiments/experiment.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { WorkloadCounts } from '../workload/append-workload.ts';
import type { NodeEndpoint } from './node-event-poller.ts';

export type { Verdict };

export interface RunTarget {
  readonly config: ClusterConfig;
  readonly runtime: Runtime;
  readonly view: ClusterView;
  readonly nemesis: FaultControl & { healAll(): Promise<{ readonly failed: readonly { describe: string; errors: readonly string[] }[] }> };
  readonly gatewayUrl: string;
  /** Direct node URLs (the control path, never through a proxy). */
  readonly nodes: readonly NodeEndpoint[];
}

export type WorkloadChoice = 'append' | 'register' | 'both';

export interface RunOptions {
  readonly experiment: Experiment;
  readonly trials: number;
  readonly seed: number;
  readonly rateRps: number;
  readonly holdMs: number;
  readonly concurrencyMax: number;
  /** Per trial and at the end: how long the cluster may take to be healthy again. */
  readonly recoveryTimeoutMs: number;
  readonly runsDir: string;
  readonly log: (line: string) => void;
  /** Stored in run.json as is (e.g. whether the CLI started the cluster). */
  readonly runInfo?: Readonly<Record<string, unknown>>;
  /** Which workloads run side by side, each open loop at `rateRps`; default both. */
  readonly workload?: WorkloadChoice;
  /** Register workload: concurrent clients (default 5) and keys (default 3). */
  readonly registerClients?: number;
  readonly registerKeys?: number;
  /** UNSAFE demo: register reads `?stale=true` straight from the nodes in turn (not linearizable). */
  readonly unsafeStaleReads?: boolean;
  /** Budget of the linearizability search; past it that check is unknown. */
  readonly checkBudgetMs?: number;
  /**
   * Register clients pinned to nodes (each talks to its own node directly, following 421 hints),
   * beside the gateway's clients, with the register workload; 0 turns them off. Default: two per node.
   */
  readonly pinnedClients?: number;
  /** Serve the run's metrics here (0: a free port) and register for scraping; null: not served. Default 0. */
  readonly metricsPort?: number | null;
}

export interface Quantiles { readonly count: number; readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number }

export interface TrialRecord {
  readonly trial: number;
  readonly fault: string | null;
  readonly faultAtMs: number | null;
  readonly electionMs: number | null;
  readonly newLeader: string | null;
  readonly unavailabilityMs: number | null;
  readonly recovered: boolean;
  readonly recoveryMs: number;
  /** The fault hit the leader: a new leader had to be elected. */
  readonly expectsElection?: boolean;
  readonly note?: string;
  /** A trial that cut the leader off: the deposed-leader check's input (stored so a re-check can judge it). */
  readonly isolated?: { readonly node: string; readonly faultAtMs: number; readonly healedAtMs: number };
}

export interface RunResults {
  readonly verdict: Verdict;
  readonly reason: string | null;
  readonly experiment: string;
  readonly seed: number;
  readonly trials: number;
  readonly trialsPlanned: number;
  readonly electionMs: Quantiles;
  readonly unavailabilityMs: Quantiles;
  readonly writeLatencyMs: Quantiles;
  /** Both workloads' calls together (the append writer's alone before the register workload existed). */
  readonly workload: WorkloadCounts;
  readonly workloads: { readonly append?: WorkloadCounts; readonly register?: WorkloadCounts; readonly pinned?: WorkloadCounts };
  /** When the run ended (the report's and Grafana's time range). */
  readonly finishedAt?: string;
  readonly checks: Record<string, CheckResult>;
  /** Wall-clock ms the checks took (no network reads included). */
  readonly checkMs: number;
  readonly perTrial: readonly TrialRecord[];
}

export interface RunOutcome {
  readonly verdict: Verdict;
  readonly exitCode: 0 | 1 | 2;
  readonly runDir: string;
  readonly results: RunResults;
}

/** A trial record as the liveness check reads it (live, and from events.jsonl on a re-check). */
export function trialLiveness(t: Pick<TrialRecord, 'trial' | 'expectsElection' | 'electionMs' | 'unavailabilityMs'>): TrialLiveness {
  return { trial: t.trial, expectsElection: t.expectsElection === true, electionMs: t.electionMs, unavailabilityMs: t.unavailabilityMs };
}
