import { coldStartLiveness } from './liveness-bounds.ts';
import type { Experiment, TrialContext, TrialOutcome } from './experiment.ts';
import { faultTrial } from './fault-trial.ts';

/**
 * One node loses its disk (stopped, data wiped, started empty after the hold): mostly a
 * follower, sometimes the leader (drawn per trial). The empty node must rejoin catching-up —
 * no vote, no quorum share — until it holds the log again; nothing acknowledged may be lost.
 */
function diskLoss(ctx: TrialContext): Promise<TrialOutcome> {
  const leader = ctx.rng.chance(0.3);
  // A leader is crashed, not stopped: a graceful stop hands leadership over before it exits, so
  // the election would precede the fault and the trial would measure none.
  return faultTrial(ctx, { kind: 'disk-loss', target: { role: leader ? 'leader' : 'follower' }, how: leader ? 'kill' : 'stop' }, { expectNewLeader: leader });
}

export const diskLossExperiment: Experiment = {
  name: 'disk-loss',
  summary: 'stop a node, wipe its data directory, start it empty; it must catch up before it votes',
  defaultTrials: 3,
  defaultHoldMs: 1500,
  needsProxy: false,
  liveness: coldStartLiveness,
  trial: diskLoss,
};
