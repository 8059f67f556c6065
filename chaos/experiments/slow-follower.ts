import type { Experiment } from './experiment.ts';
import { faultTrial } from './fault-trial.ts';

/** Heavy latency on every link into one follower: it lags, the leader must keep committing with the other majority. */
export const slowFollower: Experiment = {
  name: 'slow-follower',
  summary: 'heavy latency on the links into one follower; commits must go on without it',
  defaultTrials: 3,
  defaultHoldMs: 5000,
  needsProxy: true,
  trial: (ctx) => faultTrial(ctx, {
    kind: 'link-toxic', select: { links: 'to-node', target: { role: 'follower' } },
    toxic: { type: 'latency', attributes: { latency: ctx.rng.int(200, 500), jitter: 50 } },
  }, { expectNewLeader: false }),
};
