import { gatewayLinkName } from '../../cluster/links.ts';
import type { AppliedFault } from '../nemesis/fault.ts';
import type { Experiment, TrialContext, TrialOutcome } from './experiment.ts';
import { healAll, holdRest } from './hold.ts';

/**
 * Partitions that cut the gateway's links too (the gateway_to_nodeN proxies), held past the
 * gateway's failover deadline. One of two shapes per trial, drawn from the seed:
 * - gateway-with-minority: the leader is cut off from its peers and the gateway reaches only it;
 *   nothing can commit on the gateway's side, so its requests end `fail` or `info` and are judged;
 *   the pinned clients of the majority keep working and elect a new leader.
 * - gateway-loses-leader: only gateway_to_<leader> is cut; the gateway must find the leader
 *   through a follower.
 * Unavailability counts from the heal (the first shape cannot write until then by design).
 */
async function partitionGateway(ctx: TrialContext): Promise<TrialOutcome> {
  const before = await ctx.leader();
  const withMinority = ctx.rng.chance(0.6);
  const applied: AppliedFault[] = [];
  let healedAtMs = Date.now();
  try {
    const leader = before?.id ?? ctx.nodeIds[0]!;
    const others = ctx.nodeIds.filter((n) => n !== leader);
    if (withMinority) applied.push(await ctx.faults.inject({ kind: 'partition', shape: 'isolate-one', nodes: [leader] }));
    const gatewayCut = withMinority ? others : [leader];
    applied.push(await ctx.faults.inject({
      kind: 'link-toxic', select: { links: 'named', names: gatewayCut.map(gatewayLinkName) },
      toxic: { type: 'timeout', attributes: { timeout: 0 } },
    }));
    await holdRest(ctx, applied[0]!);
  } finally {
    healedAtMs = Date.now();
    await healAll(ctx, applied);
  }
  return {
    anchor: applied[0] ?? null, termBefore: before?.term ?? null, healedAtMs: Date.now(), measureFromMs: healedAtMs,
    note: withMinority ? 'gateway-with-minority' : 'gateway-loses-leader',
  };
}

export const partitionGatewayExperiment: Experiment = {
  name: 'partition-gateway',
  summary: 'partitions that cut the gateway\'s links too, held past its failover deadline (fail/info outcomes)',
  defaultTrials: 3,
  defaultHoldMs: 5000,
  needsProxy: true,
  trial: partitionGateway,
};
