/**
 * Phase 4, heal and recover. `heal` runs on every path out of the earlier phases (the
 * orchestrator's finally): the workloads stop, then everything the ledger holds as pending is
 * undone. `recover` (only for a run that got past steady state) waits until one leader leads
 * and every node applied its commit index, and checks that every member is running again.
 */
import { stopLoad } from './load.ts';
import { waitForRecovery } from '../recovery-check.ts';
import type { RunContext } from '../run-context.ts';

export async function heal(ctx: RunContext): Promise<void> {
  await stopLoad(ctx);
  const healed = await ctx.target.nemesis.healAll().catch((err: unknown) => ({ failed: [{ describe: 'heal all', errors: [(err as Error).message] }] }));
  if (healed.failed.length > 0) ctx.abortReason ??= `could not heal: ${healed.failed.map((f) => `${f.describe}: ${f.errors.join('; ')}`).join(', ')}`;
}

export async function recover(ctx: RunContext): Promise<void> {
  const recovered = await waitForRecovery(ctx.target.view, ctx.options.recoveryTimeoutMs);
  ctx.log(recovered.recovered ? `recovery: leader ${recovered.leader} (term ${recovered.term}), every node applied ${recovered.commitIndex} after ${recovered.waitedMs} ms` : `recovery: ${recovered.reason}`);
  if (!recovered.recovered) ctx.abortReason ??= `cluster did not recover: ${recovered.reason}`;
  await ctx.poller.stop();
  const left = await ctx.notRunning();
  ctx.runtimeChecks.push(left.length === 0
    ? { checker: 'cluster-restored', valid: true }
    : { checker: 'cluster-restored', valid: 'unknown', reason: `left not running: ${left.join(', ')}` });
}
