import type { Experiment } from './experiment.ts';
import { faultTrial } from './fault-trial.ts';

/** SIGKILL the leader: the rest must elect a new one; the node restarts from its disk when healed. */
export const leaderKill: Experiment = {
  name: 'leader-kill',
  summary: 'SIGKILL the leader under load, restart it once a new leader is elected',
  defaultTrials: 10,
  defaultHoldMs: 1000,
  needsProxy: false,
  trial: (ctx) => faultTrial(ctx, { kind: 'kill', target: { role: 'leader' } }, { expectNewLeader: true }),
};
