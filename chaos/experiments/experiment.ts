import type { LivenessBounds } from '../checker/liveness.ts';
import type { ClusterConfig } from '../../cluster/config.ts';
import type { Rng } from '../../cluster/common/rng.ts';
import type { ClusterView } from '../cluster-view.ts';
import type { AppliedFault, Fault } from '../nemesis/fault.ts';

/**
 * An experiment is a named fault schedule: the runner owns the cluster, the workload, the
 * measurements and the checks, and calls `trial` once per trial while load runs. A trial
 * injects, waits for recovery or holds, and heals everything it injected; it never reads the
 * history (checkers do, afterwards).
 */
export interface Experiment {
  readonly name: string;
  /** One line for `just chaos list`. */
  readonly summary: string;
  readonly defaultTrials: number;
  /** Default hold time of each fault in ms (`--duration` overrides). */
  readonly defaultHoldMs: number;
  /** True when the faults are on links (partitions, toxics), so the cluster must run its links through the proxy. */
  readonly needsProxy: boolean;
  /**
   * How long an election and the clients' wait may take after this experiment's faults; over it
   * the liveness check says unknown. Absent: defaultLiveness (chaos/experiments/liveness-bounds.ts).
   */
  liveness?(config: ClusterConfig): LivenessBounds;
  /**
   * Environment every node needs for this experiment (power-loss: the sync ledger). The runner
   * passes it when it starts the cluster and refuses a running cluster started without it.
   */
  readonly clusterEnv?: Readonly<Record<string, string>>;
  trial(ctx: TrialContext): Promise<TrialOutcome>;
}

/** What the runner's nemesis offers an experiment: inject resolves roles and records the undo; heal undoes one fault. */
export interface FaultControl {
  inject(fault: Fault): Promise<AppliedFault>;
  heal(applied: AppliedFault): Promise<unknown>;
}

export interface LeaderInfo {
  readonly id: string;
  readonly term: number;
}

export interface TrialContext {
  /** 1-based. */
  readonly trial: number;
  /** This trial's own stream, forked from the run's seed. */
  readonly rng: Rng;
  readonly nodeIds: readonly string[];
  readonly holdMs: number;
  readonly recoveryTimeoutMs: number;
  readonly faults: FaultControl;
  readonly view: ClusterView;
  leader(): Promise<LeaderInfo | null>;
  /** Polls until some node not in `notOn` leads a term above `termAbove`; null at the timeout. */
  waitForLeader(opts: { readonly notOn?: readonly string[]; readonly termAbove?: number; readonly timeoutMs?: number }): Promise<LeaderInfo | null>;
  /** Polls until every node answers, one leader, everyone applied its commit index; false at the timeout. */
  waitForHealthy(timeoutMs: number): Promise<boolean>;
  sleep(ms: number): Promise<void>;
}

export interface TrialOutcome {
  /** The fault the trial's measurements count from (election, unavailability); null: nothing to measure. */
  readonly anchor: AppliedFault | null;
  /** The leader's term just before the anchor: an election counts only if it reaches a higher term. */
  readonly termBefore: number | null;
  /** For partitions that cut a leader off: that node, which must step down and acknowledge nothing new. */
  readonly isolatedLeader?: string;
  /** Wall-clock ms the trial's faults were all healed. */
  readonly healedAtMs: number;
  /**
   * When set, the trial's election and unavailability count from here instead of from the
   * anchor (restart-all: from the moment every node was started again, not from the kill).
   */
  readonly measureFromMs?: number;
  /** True when the anchor fault hit the leader, so a new leader must be elected (the liveness check). */
  readonly expectsElection?: boolean;
  readonly note?: string;
}
