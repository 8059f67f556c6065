import type { AppliedFault } from '../nemesis/fault.ts';
import type { Experiment, TrialContext, TrialOutcome } from './experiment.ts';

/**
 * One trial restarts every node once, in an order drawn from the seed, the way an operator
 * upgrades a cluster: leadership is transferred away from a node before it is stopped
 * (SIGTERM), and the next node waits until the cluster is healthy again. The first transfer
 * anchors the measurements (election = transfer to the new leader's `elected`).
 */
async function rollingTrial(ctx: TrialContext): Promise<TrialOutcome> {
  let anchor: AppliedFault | null = null;
  let termBefore: number | null = null;
  const notes: string[] = [];
  for (const node of ctx.rng.shuffle(ctx.nodeIds)) {
    const leader = await ctx.leader();
    if (leader?.id === node) {
      const transfer = await ctx.faults.inject({ kind: 'transfer-leadership' });
      if (anchor === null) { anchor = transfer; termBefore = leader.term; }
      try {
        const next = await ctx.waitForLeader({ notOn: [node], termAbove: leader.term, timeoutMs: ctx.recoveryTimeoutMs });
        if (next === null) notes.push(`leadership did not leave ${node}`);
      } finally {
        await ctx.faults.heal(transfer);
      }
    }
    const stop = await ctx.faults.inject({ kind: 'stop', target: { role: 'node', node } });
    try {
      await ctx.sleep(ctx.holdMs);
    } finally {
      await ctx.faults.heal(stop);
    }
    if (!(await ctx.waitForHealthy(ctx.recoveryTimeoutMs))) notes.push(`not healthy after restarting ${node}`);
  }
  return { anchor, termBefore, healedAtMs: Date.now(), ...(notes.length ? { note: notes.join('; ') } : {}) };
}

export const rollingRestart: Experiment = {
  name: 'rolling-restart',
  summary: 'restart every node in turn, transferring leadership away first',
  defaultTrials: 2,
  defaultHoldMs: 500,
  needsProxy: false,
  trial: rollingTrial,
};
