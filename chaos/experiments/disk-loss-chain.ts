import { coldStartLiveness } from './liveness-bounds.ts';
import type { AppliedFault } from '../nemesis/fault.ts';
import type { Experiment, TrialContext, TrialOutcome } from './experiment.ts';
import { healAll } from './hold.ts';

/**
 * The lost-disk scenario: follower A stopped; writes go on (acknowledged by the leader
 * and follower B); B's disk wiped and B started empty; the leader killed; A started. A has a
 * short log and B nothing: an empty B that votes lets A lead and drop acknowledged writes. With
 * the lost-state rule B cannot vote, so no leader until the old leader returns (the heal);
 * liveness counts from there.
 */
async function diskLossChain(ctx: TrialContext): Promise<TrialOutcome> {
  const before = await ctx.leader();
  const applied: (AppliedFault | null)[] = [];
  let startedAtMs = Date.now();
  let note: string | undefined;
  try {
    const leader = before?.id;
    if (leader === undefined) throw new Error('disk-loss-chain: no leader to start from');
    const [a, b] = ctx.rng.shuffle(ctx.nodeIds.filter((n) => n !== leader));
    const stopA = await ctx.faults.inject({ kind: 'stop', target: { role: 'node', node: a! } });
    applied.push(stopA);
    await ctx.sleep(Math.max(500, ctx.holdMs));
    const wipeB = await ctx.faults.inject({ kind: 'disk-loss', target: { role: 'node', node: b! } });
    applied.push(wipeB);
    await ctx.faults.heal(wipeB);
    await ctx.sleep(ctx.rng.int(0, 300));
    const kill = await ctx.faults.inject({ kind: 'kill', target: { role: 'node', node: leader } });
    applied.push(kill);
    await ctx.faults.heal(stopA);
    // A and empty B alone: a leader here must hold every acknowledged write (B must not vote).
    const interim = await ctx.waitForLeader({ termAbove: before!.term, timeoutMs: ctx.rng.int(1500, 3000) });
    if (interim !== null) note = `${interim.id} led term ${interim.term} before ${leader} came back`;
    startedAtMs = Date.now();
    await ctx.faults.heal(kill);
  } finally {
    await healAll(ctx, applied);
  }
  return {
    anchor: applied[applied.length - 1] ?? null, termBefore: before?.term ?? null, healedAtMs: Date.now(), measureFromMs: startedAtMs,
    ...(note !== undefined ? { note } : {}),
  };
}

export const diskLossChainExperiment: Experiment = {
  name: 'disk-loss-chain',
  summary: 'follower A stopped, writes, follower B wiped and restarted, leader killed, A back: nothing acknowledged lost',
  defaultTrials: 2,
  defaultHoldMs: 2000,
  needsProxy: false,
  liveness: coldStartLiveness,
  trial: diskLossChain,
};
