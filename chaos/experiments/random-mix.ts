import type { Experiment } from './experiment.ts';
import { flakyNetwork } from './flaky-network.ts';
import { followerKill } from './follower-kill.ts';
import { leaderKill } from './leader-kill.ts';
import { leaderPause } from './leader-pause.ts';
import { partitionBridge } from './partition-bridge.ts';
import { partitionLeader } from './partition-leader.ts';
import { slowFollower } from './slow-follower.ts';

const mix: readonly Experiment[] = [leaderKill, leaderPause, followerKill, partitionLeader, partitionBridge, flakyNetwork, slowFollower];

/** Each trial is one of the single-fault experiments, drawn from the trial's seeded stream. */
export const randomMix: Experiment = {
  name: 'random',
  summary: 'a seeded mix: each trial is one of the single-fault experiments',
  defaultTrials: 10,
  defaultHoldMs: 2000,
  needsProxy: true,
  trial: async (ctx) => {
    const pick = ctx.rng.pick(mix);
    const outcome = await pick.trial(ctx);
    return { ...outcome, note: [pick.name, outcome.note].filter(Boolean).join(': ') };
  },
};
