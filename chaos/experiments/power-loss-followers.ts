import type { ClusterConfig } from '../../cluster/config.ts';
import type { AppliedFault } from '../nemesis/fault.ts';
import type { Experiment, TrialContext, TrialOutcome } from './experiment.ts';
import { healAll } from './hold.ts';
import { coldStartLiveness } from './liveness-bounds.ts';
import { powerLossEnv } from './power-loss.ts';

/** How long the followers stay without power before they are started again. */
const downMs = 500;

/**
 * A majority loses power while the leader does not, and comes back cut off from it: every
 * follower is SIGKILLed at once and loses its unsynced writes, the leader is then cut from its
 * peers, the followers start and must elect among themselves from what their disks kept; after
 * the hold the partition heals and the old leader rejoins under the new one.
 *
 * Every write the leader acknowledged was counted on some follower; only a follower that synced
 * before it answered still holds it here, so an acknowledgement that raced ahead of the disk
 * becomes a lost write once the new leader's log replaces the old leader's tail.
 */
async function powerLossFollowers(ctx: TrialContext): Promise<TrialOutcome> {
  const before = await ctx.leader();
  const cut = await ctx.faults.inject({ kind: 'power-loss', target: { role: 'followers' } });
  const oldLeader = ctx.nodeIds.find((n) => !cut.nodes.includes(n))!;
  let power: AppliedFault | null = cut;
  let isolate: AppliedFault | null = null;
  let startedAtMs = Date.now();
  let note: string | undefined;
  try {
    isolate = await ctx.faults.inject({ kind: 'partition', shape: 'isolate-one', nodes: [oldLeader] });
    const restMs = cut.appliedAtMs + downMs - Date.now();
    if (restMs > 0) await ctx.sleep(restMs);
    startedAtMs = Date.now();
    power = null;
    await ctx.faults.heal(cut);
    // A cold start of two node processes: give it the recovery timeout on top of the election.
    const next = await ctx.waitForLeader({ notOn: [oldLeader], termAbove: before?.term ?? 0, timeoutMs: 2 * ctx.recoveryTimeoutMs });
    if (next === null) note = `no leader among ${cut.nodes.join(', ')} within ${2 * ctx.recoveryTimeoutMs} ms of their restart`;
    else await ctx.sleep(ctx.holdMs);
  } finally {
    await healAll(ctx, [power, isolate]);
  }
  return {
    anchor: cut, termBefore: before?.term ?? null, healedAtMs: Date.now(), measureFromMs: startedAtMs, expectsElection: true,
    ...(note !== undefined ? { note } : {}),
  };
}

export const powerLossFollowersExperiment: Experiment = {
  name: 'power-loss-followers',
  summary: 'cut power to every follower at once (unsynced writes lost), restart them cut off from the leader, let them elect',
  defaultTrials: 6,
  defaultHoldMs: 1000,
  needsProxy: true,
  clusterEnv: powerLossEnv,
  liveness: (config: ClusterConfig) => coldStartLiveness(config),
  trial: powerLossFollowers,
};
