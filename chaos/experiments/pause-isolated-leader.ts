import type { AppliedFault } from '../nemesis/fault.ts';
import type { Experiment, TrialContext, TrialOutcome } from './experiment.ts';
import { healAll } from './hold.ts';

/** The resumed old leader stays cut off at least this long, and until it no longer leads (CheckQuorum). */
const afterResumeMsMin = 1000;

/**
 * A leader frozen in a partition (a long GC pause while its network is cut): the leader is cut
 * from its peers (clients still reach it) and paused at once; the others elect and take writes
 * for the hold; then the old leader resumes, still cut off. Its timers did not run while it was
 * paused, so it wakes believing it leads, with the calls its clients sent during the pause
 * waiting for it: a read or write it answers without a quorum's word is stale or lost. CheckQuorum
 * deposes it one election timeout later; then the partition heals.
 *
 * The hold should outlast the clients' call timeout (failover deadline + 2 s), so the calls the
 * old leader finds at resume were sent late in the pause, well after the others wrote.
 */
async function pauseIsolatedLeader(ctx: TrialContext): Promise<TrialOutcome> {
  const before = await ctx.leader();
  const cut = await ctx.faults.inject({ kind: 'partition', shape: 'isolate-leader' });
  const oldLeader = before?.id ?? cut.nodes[0]!;
  let pause: AppliedFault | null = null;
  let note: string | undefined;
  try {
    pause = await ctx.faults.inject({ kind: 'pause', target: { role: 'node', node: oldLeader } });
    const next = await ctx.waitForLeader({ notOn: [oldLeader], termAbove: before?.term ?? 0, timeoutMs: ctx.recoveryTimeoutMs });
    if (next === null) note = `no new leader outside ${oldLeader} within ${ctx.recoveryTimeoutMs} ms`;
    const remainingMs = pause.appliedAtMs + ctx.holdMs - Date.now();
    if (remainingMs > 0) await ctx.sleep(remainingMs);
    const resumed = pause;
    pause = null;
    await ctx.faults.heal(resumed);
    // Healed only once it stepped down: on a loaded machine its ticks run late, and a heal before
    // the step-down would let the new leader's messages depose it instead of its own CheckQuorum.
    await ctx.sleep(afterResumeMsMin);
    const deadline = Date.now() + ctx.recoveryTimeoutMs;
    while (Date.now() < deadline && (await ctx.view.statuses()).some((s) => s.id === oldLeader && s.state === 'LEADER')) await ctx.sleep(50);
  } finally {
    await healAll(ctx, [cut, pause]);
  }
  return {
    anchor: cut, termBefore: before?.term ?? null, healedAtMs: Date.now(), expectsElection: true,
    ...(before ? { isolatedLeader: before.id } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

export const pauseIsolatedLeaderExperiment: Experiment = {
  name: 'pause-isolated-leader',
  summary: 'cut the leader from its peers and pause it; the others elect and write; it resumes still cut off, with its clients\' calls waiting',
  defaultTrials: 3,
  defaultHoldMs: 6000,
  needsProxy: true,
  trial: pauseIsolatedLeader,
};
