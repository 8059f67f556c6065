import type { Experiment } from './experiment.ts';
import { faultTrial } from './fault-trial.ts';

/**
 * Two halves that share one bridge node which sees both (Jepsen's bridge). Every majority
 * needs the bridge; leadership may move to it, but never two leaders in one term.
 */
export const partitionBridge: Experiment = {
  name: 'partition-bridge',
  summary: 'split the cluster into two halves joined by one bridge node',
  defaultTrials: 5,
  defaultHoldMs: 4000,
  needsProxy: true,
  trial: (ctx) => faultTrial(ctx, { kind: 'partition', shape: 'bridge' }, { expectNewLeader: false }),
};
