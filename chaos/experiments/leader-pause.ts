import type { Experiment } from './experiment.ts';
import { faultTrial } from './fault-trial.ts';

/** SIGSTOP the leader: alive, sockets open, silent; after resume it must learn the new term and follow. */
export const leaderPause: Experiment = {
  name: 'leader-pause',
  summary: 'SIGSTOP the leader under load, SIGCONT it once a new leader is elected',
  defaultTrials: 10,
  defaultHoldMs: 1000,
  needsProxy: false,
  trial: (ctx) => faultTrial(ctx, { kind: 'pause', target: { role: 'leader' } }, { expectNewLeader: true }),
};
