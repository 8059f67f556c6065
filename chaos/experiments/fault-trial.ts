import type { Fault } from '../nemesis/fault.ts';
import type { TrialContext, TrialOutcome } from './experiment.ts';

export interface FaultTrialOptions {
  /** Wait for a leader on a node the fault did not hit before holding (leader faults). */
  readonly expectNewLeader: boolean;
  /** The isolated node must step down: the runner checks it (partitions that cut off the leader). */
  readonly leaderIsolated?: boolean;
}

/**
 * The common trial: note the leader and term, inject, wait for a leader on another node when one is
 * expected (bounded by the recovery timeout), keep the fault on for the rest of the hold time,
 * heal. Healing happens even if waiting threw.
 */
export async function faultTrial(ctx: TrialContext, fault: Fault, opts: FaultTrialOptions): Promise<TrialOutcome> {
  const before = await ctx.leader();
  const applied = await ctx.faults.inject(fault);
  let note: string | undefined;
  try {
    if (opts.expectNewLeader) {
      // Partitions list every node whose links they cut; the node that must lose leadership is the old leader.
      const notOn = before ? [before.id] : applied.nodes;
      const next = await ctx.waitForLeader({ notOn, termAbove: before?.term ?? 0, timeoutMs: ctx.recoveryTimeoutMs });
      if (next === null) note = `no new leader outside ${notOn.join(', ')} within ${ctx.recoveryTimeoutMs} ms`;
    }
    const remainingMs = applied.appliedAtMs + ctx.holdMs - Date.now();
    if (remainingMs > 0) await ctx.sleep(remainingMs);
  } finally {
    await ctx.faults.heal(applied);
  }
  const outcome: TrialOutcome = { anchor: applied, termBefore: before?.term ?? null, healedAtMs: Date.now(), expectsElection: opts.expectNewLeader };
  return {
    ...outcome,
    ...(note !== undefined ? { note } : {}),
    ...(opts.leaderIsolated && before ? { isolatedLeader: before.id } : {}),
  };
}
