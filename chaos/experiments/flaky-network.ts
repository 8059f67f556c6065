import type { Experiment } from './experiment.ts';
import { faultTrial } from './fault-trial.ts';

/** Latency with jitter on every peer link; the jitter range is drawn per trial from the seed. */
export const flakyNetwork: Experiment = {
  name: 'flaky-network',
  summary: 'latency + jitter on every peer link (drawn per trial from the seed)',
  defaultTrials: 3,
  defaultHoldMs: 5000,
  needsProxy: true,
  trial: (ctx) => {
    const latency = ctx.rng.int(20, 80);
    const jitter = ctx.rng.int(10, latency);
    return faultTrial(ctx, { kind: 'link-toxic', select: { links: 'peers' }, toxic: { type: 'latency', attributes: { latency, jitter } } }, { expectNewLeader: false });
  },
};
