import type { Experiment } from './experiment.ts';
import { faultTrial } from './fault-trial.ts';

/**
 * Cut the leader off from every peer. The majority elects a new leader; the old one, alone in
 * the minority, must step down (CheckQuorum) and must acknowledge nothing invoked after the
 * new leader's election — the runner checks both.
 */
export const partitionLeader: Experiment = {
  name: 'partition-leader',
  summary: 'isolate the leader from its peers; it must step down and acknowledge nothing new',
  defaultTrials: 5,
  defaultHoldMs: 3000,
  needsProxy: true,
  trial: (ctx) => faultTrial(ctx, { kind: 'partition', shape: 'isolate-leader' }, { expectNewLeader: true, leaderIsolated: true }),
};
