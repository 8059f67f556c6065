import type { Experiment } from './experiment.ts';
import { faultTrial } from './fault-trial.ts';

/** SIGKILL a follower: the leader keeps its quorum, so no election and no unavailability are expected. */
export const followerKill: Experiment = {
  name: 'follower-kill',
  summary: 'SIGKILL a follower under load; the leader should keep serving; restart it after the hold',
  defaultTrials: 10,
  defaultHoldMs: 2000,
  needsProxy: false,
  trial: (ctx) => faultTrial(ctx, { kind: 'kill', target: { role: 'follower' } }, { expectNewLeader: false }),
};
