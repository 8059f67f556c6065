import type { AppliedFault } from '../nemesis/fault.ts';
import type { Experiment, TrialContext, TrialOutcome } from './experiment.ts';
import { healAll, holdRest } from './hold.ts';

/**
 * A follower made to lag (latency on every link into it) under load, then the leader killed
 * without waiting for it to catch up: the lagging follower and the other one elect, and only one
 * of them holds every acknowledged write. The latency goes at the kill or a little after.
 */
async function slowThenKill(ctx: TrialContext): Promise<TrialOutcome> {
  const before = await ctx.leader();
  const slow = await ctx.faults.inject({
    kind: 'link-toxic', select: { links: 'to-node', target: { role: 'follower' } },
    toxic: { type: 'latency', attributes: { latency: ctx.rng.int(150, 400), jitter: 50 } },
  });
  let kill: AppliedFault | null = null;
  let note: string | undefined;
  try {
    await ctx.sleep(ctx.rng.int(800, 2000));
    const leader = await ctx.leader();
    if (leader === null) {
      note = 'no leader to kill after the slow-down';
    } else {
      kill = await ctx.faults.inject({ kind: 'kill', target: { role: 'node', node: leader.id } });
      await ctx.sleep(ctx.rng.int(0, 400));
      await ctx.faults.heal(slow);
      const next = await ctx.waitForLeader({ notOn: [leader.id], termAbove: leader.term, timeoutMs: ctx.recoveryTimeoutMs });
      if (next === null) note = `no new leader outside ${leader.id} within ${ctx.recoveryTimeoutMs} ms`;
      await holdRest(ctx, kill);
    }
  } finally {
    await healAll(ctx, [slow, kill]);
  }
  return {
    anchor: kill ?? slow, termBefore: before?.term ?? null, healedAtMs: Date.now(), expectsElection: kill !== null,
    ...(note !== undefined ? { note } : {}),
  };
}

export const slowThenKillExperiment: Experiment = {
  name: 'slow-then-kill',
  summary: 'slow one follower until it lags, then kill the leader without letting it catch up',
  defaultTrials: 4,
  defaultHoldMs: 1500,
  needsProxy: true,
  trial: slowThenKill,
};
