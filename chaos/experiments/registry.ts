import { diskLossExperiment } from './disk-loss.ts';
import { diskLossChainExperiment } from './disk-loss-chain.ts';
import { isolateThenKillExperiment } from './isolate-then-kill.ts';
import { majorityDownExperiment } from './majority-down.ts';
import { partitionGatewayExperiment } from './partition-gateway.ts';
import { pauseIsolatedLeaderExperiment } from './pause-isolated-leader.ts';
import { powerLossExperiment } from './power-loss.ts';
import { powerLossFollowersExperiment } from './power-loss-followers.ts';
import { slowThenKillExperiment } from './slow-then-kill.ts';
import type { Experiment } from './experiment.ts';
import { flakyNetwork } from './flaky-network.ts';
import { followerKill } from './follower-kill.ts';
import { leaderKill } from './leader-kill.ts';
import { leaderPause } from './leader-pause.ts';
import { partitionBridge } from './partition-bridge.ts';
import { partitionLeader } from './partition-leader.ts';
import { randomMix } from './random-mix.ts';
import { restartAll } from './restart-all.ts';
import { rollingRestart } from './rolling-restart.ts';
import { slowFollower } from './slow-follower.ts';

/** Every named experiment, in the order `just chaos list` shows them. */
export const experiments: readonly Experiment[] = [
  leaderKill, leaderPause, followerKill, partitionLeader, partitionBridge, flakyNetwork, slowFollower, rollingRestart, restartAll, randomMix,
  isolateThenKillExperiment, slowThenKillExperiment, partitionGatewayExperiment, majorityDownExperiment,
  diskLossExperiment, diskLossChainExperiment, powerLossExperiment, pauseIsolatedLeaderExperiment, powerLossFollowersExperiment,
];

export function findExperiment(name: string): Experiment | undefined {
  return experiments.find((e) => e.name === name);
}
