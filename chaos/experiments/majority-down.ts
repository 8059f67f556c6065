import { coldStartLiveness } from './liveness-bounds.ts';
import type { AppliedFault } from '../nemesis/fault.ts';
import type { Experiment, TrialContext, TrialOutcome } from './experiment.ts';
import { healAll, holdRest } from './hold.ts';

/**
 * A majority down for longer than the gateway's failover deadline (3 s): the leader and one
 * follower killed or paused (drawn per trial). No quorum, so every write ends `fail` (refused,
 * known not applied) or `info` (timed out, maybe applied) and the checks judge both: a `fail`
 * must never appear in a committed log, an `info` may. Paused nodes hold their sockets, so
 * requests hang to the deadline; killed ones refuse at once. Unavailability counts from the heal.
 */
async function majorityDown(ctx: TrialContext): Promise<TrialOutcome> {
  const before = await ctx.leader();
  const how = ctx.rng.chance(0.5) ? 'pause' : 'kill';
  const applied: AppliedFault[] = [];
  let healedAtMs = Date.now();
  try {
    applied.push(await ctx.faults.inject({ kind: how, target: { role: 'leader' } }));
    applied.push(await ctx.faults.inject({ kind: how, target: { role: 'node', node: pickFollower(ctx, applied[0]!.nodes[0]!) } }));
    await holdRest(ctx, applied[0]!);
  } finally {
    healedAtMs = Date.now();
    await healAll(ctx, applied);
  }
  return { anchor: applied[0] ?? null, termBefore: before?.term ?? null, healedAtMs: Date.now(), measureFromMs: healedAtMs, note: how };
}

function pickFollower(ctx: TrialContext, leader: string): string {
  return ctx.rng.pick(ctx.nodeIds.filter((n) => n !== leader));
}

export const majorityDownExperiment: Experiment = {
  name: 'majority-down',
  summary: 'kill or pause the leader and a follower past the gateway deadline; fail/info outcomes judged',
  defaultTrials: 3,
  defaultHoldMs: 4500,
  needsProxy: false,
  liveness: coldStartLiveness,
  trial: majorityDown,
};
