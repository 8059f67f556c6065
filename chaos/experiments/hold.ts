import type { AppliedFault } from '../nemesis/fault.ts';
import type { TrialContext } from './experiment.ts';

/** Sleeps out the rest of the hold time counted from `applied`. */
export async function holdRest(ctx: TrialContext, applied: AppliedFault, holdMs = ctx.holdMs): Promise<void> {
  const remainingMs = applied.appliedAtMs + holdMs - Date.now();
  if (remainingMs > 0) await ctx.sleep(remainingMs);
}

/** Heals each fault (last injected first) even when one heal throws; rethrows the first error. */
export async function healAll(ctx: TrialContext, applied: readonly (AppliedFault | null)[]): Promise<void> {
  let first: unknown = null;
  for (const a of [...applied].reverse()) {
    if (a === null) continue;
    try { await ctx.faults.heal(a); } catch (err) { first ??= err; }
  }
  if (first !== null) throw first;
}
