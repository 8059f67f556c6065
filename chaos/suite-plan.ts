/**
 * The battery `just chaos suite` runs: every experiment, with the trials and hold times that
 * together create what the planted bugs need (a node behind when a fault hits, an old leader
 * still taking writes, a gateway past its deadline, lost disks and lost unsynced writes), in
 * about 12-15 minutes on a 2-core machine. `quick` is the bounded variant tests and smoke runs use.
 * Order: experiments needing extra node environment (power-loss) last, so one cluster serves the rest.
 */
export interface SuiteEntry {
  readonly experiment: string;
  readonly trials: number;
  readonly holdMs: number;
  /** Passed on to `chaos/cli.ts` as is. */
  readonly extraArgs?: readonly string[];
}

export const fullSuite: readonly SuiteEntry[] = [
  { experiment: 'leader-kill', trials: 2, holdMs: 1500 },
  { experiment: 'leader-pause', trials: 2, holdMs: 3000 },
  { experiment: 'follower-kill', trials: 1, holdMs: 1500 },
  { experiment: 'partition-leader', trials: 2, holdMs: 3000 },
  { experiment: 'partition-bridge', trials: 1, holdMs: 3000 },
  { experiment: 'flaky-network', trials: 1, holdMs: 3000 },
  { experiment: 'slow-follower', trials: 1, holdMs: 3000 },
  { experiment: 'isolate-then-kill', trials: 3, holdMs: 1500 },
  { experiment: 'slow-then-kill', trials: 3, holdMs: 1500 },
  { experiment: 'partition-gateway', trials: 2, holdMs: 4500 },
  { experiment: 'majority-down', trials: 2, holdMs: 4500 },
  // Past the clients' 5 s call timeout, so the calls the old leader finds at resume were sent late in the pause.
  { experiment: 'pause-isolated-leader', trials: 3, holdMs: 6500 },
  { experiment: 'rolling-restart', trials: 1, holdMs: 1000 },
  { experiment: 'restart-all', trials: 2, holdMs: 1000 },
  { experiment: 'disk-loss', trials: 2, holdMs: 1500 },
  { experiment: 'disk-loss-chain', trials: 2, holdMs: 2000 },
  { experiment: 'random', trials: 3, holdMs: 2000 },
  { experiment: 'power-loss', trials: 4, holdMs: 1000 },
  { experiment: 'power-loss-followers', trials: 6, holdMs: 1000 },
];

/** One trial of the experiments the issue named as never exercised before, short holds. */
export const quickSuite: readonly SuiteEntry[] = [
  { experiment: 'isolate-then-kill', trials: 1, holdMs: 1000 },
  { experiment: 'majority-down', trials: 1, holdMs: 3500 },
  { experiment: 'disk-loss', trials: 1, holdMs: 1000 },
  { experiment: 'power-loss', trials: 1, holdMs: 1000 },
];
