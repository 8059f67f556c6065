import { coldStartLiveness } from './liveness-bounds.ts';
import type { Experiment, TrialContext, TrialOutcome } from './experiment.ts';

/**
 * Whole-cluster power loss: every node SIGKILLed at once, down for the hold time, then every
 * node started together (the `restart-all` fault and its heal). No node keeps a term in memory,
 * so the cluster must elect from what the disks hold, and nothing acknowledged may be lost.
 * Election and unavailability count from the moment the nodes were started again.
 */
async function restartAllTrial(ctx: TrialContext): Promise<TrialOutcome> {
  const before = await ctx.leader();
  const applied = await ctx.faults.inject({ kind: 'restart-all' });
  let startedAtMs = Date.now();
  try {
    const remainingMs = applied.appliedAtMs + ctx.holdMs - Date.now();
    if (remainingMs > 0) await ctx.sleep(remainingMs);
  } finally {
    startedAtMs = Date.now();
    await ctx.faults.heal(applied);
  }
  const termBefore = before?.term ?? null;
  const next = await ctx.waitForLeader({ termAbove: termBefore ?? 0, timeoutMs: ctx.recoveryTimeoutMs });
  return {
    anchor: applied, termBefore, healedAtMs: Date.now(), measureFromMs: startedAtMs, expectsElection: true,
    ...(next === null ? { note: `no leader above term ${termBefore ?? 0} within ${ctx.recoveryTimeoutMs} ms of the restart` } : {}),
  };
}

export const restartAll: Experiment = {
  name: 'restart-all',
  summary: 'SIGKILL every node at once, then start them all together; a leader must come back from disk',
  defaultTrials: 3,
  defaultHoldMs: 1000,
  needsProxy: false,
  // Measured from a cold start of every node: a tsx start takes seconds on a loaded machine.
  liveness: coldStartLiveness,
  trial: restartAllTrial,
};
