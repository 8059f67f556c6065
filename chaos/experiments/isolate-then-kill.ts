import type { AppliedFault } from '../nemesis/fault.ts';
import type { Experiment, TrialContext, TrialOutcome } from './experiment.ts';
import { healAll, holdRest } from './hold.ts';

/**
 * Chained faults with no recovery between them: cut the leader off from its peers while the
 * gateway still reaches it (writes keep arriving at the deposed leader), heal once the others
 * elected, and at once — no wait for anyone to catch up — kill the new leader. The old leader,
 * possibly holding uncommitted entries of its old term, is now one of the two voters left.
 */
async function isolateThenKill(ctx: TrialContext): Promise<TrialOutcome> {
  const before = await ctx.leader();
  const cut = await ctx.faults.inject({ kind: 'partition', shape: 'isolate-leader' });
  let kill: AppliedFault | null = null;
  let note: string | undefined;
  let termBefore = before?.term ?? null;
  try {
    const oldLeader = before?.id ?? cut.nodes[0]!;
    const next = await ctx.waitForLeader({ notOn: [oldLeader], termAbove: before?.term ?? 0, timeoutMs: ctx.recoveryTimeoutMs });
    // Writes keep reaching the isolated node for a little while after the election.
    await ctx.sleep(ctx.rng.int(100, 600));
    await ctx.faults.heal(cut);
    if (next === null) {
      note = `no new leader outside ${oldLeader} within ${ctx.recoveryTimeoutMs} ms`;
    } else {
      if (ctx.rng.chance(0.5)) await ctx.sleep(ctx.rng.int(0, 200));
      termBefore = next.term;
      kill = await ctx.faults.inject({ kind: 'kill', target: { role: 'node', node: next.id } });
      await ctx.waitForLeader({ notOn: [next.id], termAbove: next.term, timeoutMs: ctx.recoveryTimeoutMs });
      await holdRest(ctx, kill);
    }
  } finally {
    await healAll(ctx, [cut, kill]);
  }
  return {
    anchor: kill ?? cut, termBefore, healedAtMs: Date.now(), expectsElection: true,
    ...(note !== undefined ? { note } : {}),
  };
}

export const isolateThenKillExperiment: Experiment = {
  name: 'isolate-then-kill',
  summary: 'isolate the leader from its peers (gateway still reaches it), heal, then kill the new leader at once',
  defaultTrials: 4,
  defaultHoldMs: 1500,
  needsProxy: true,
  trial: isolateThenKill,
};
