/**
 * The chaos runner: one experiment, one run folder, as named phases over one RunContext:
 *   steady state -> load -> trials -> heal and recover -> final state -> check -> store
 * Heal runs on every path out of the first three (a finally); Ctrl-C is the CLI's
 * heal-on-exit, and the nemesis's ledger covers the paths this process does not survive. The
 * verdict is Jepsen's: valid / invalid (a safety check failed) / unknown (the run could not
 * decide, e.g. the cluster never recovered).
 *
 * Exports: `runExperiment` and the run types (run-types.ts).
 */
import { check } from './phases/check.ts';
import { finalState } from './phases/final-state.ts';
import { heal, recover } from './phases/heal-and-recover.ts';
import { startLoad } from './phases/load.ts';
import { steadyState } from './phases/steady-state.ts';
import { store } from './phases/store.ts';
import { runTrials } from './phases/trials.ts';
import { openRun, type RunContext } from './run-context.ts';
import type { RunOptions, RunOutcome, RunTarget } from './run-types.ts';

export type * from './run-types.ts';
export { quantiles } from './phases/store.ts';

export async function runExperiment(target: RunTarget, options: RunOptions): Promise<RunOutcome> {
  const ctx = openRun(target, options);
  const metricsUrl = await ctx.metricsEndpoint?.start().catch((err: Error) => { ctx.log(`metrics: not served (${err.message})`); return null; });
  if (metricsUrl) ctx.log(`metrics: ${metricsUrl} (registered for just monitoring's Prometheus)`);
  try {
    return await phases(ctx);
  } finally {
    // One more scrape reads the final values (when a Prometheus scrapes us at all), then withdraw.
    await ctx.metricsEndpoint?.finish(3000);
    await ctx.metricsEndpoint?.close();
  }
}

async function phases(ctx: RunContext): Promise<RunOutcome> {
  try {
    await steadyState(ctx);
    if (ctx.abortReason === null) {
      await startLoad(ctx);
      await runTrials(ctx);
    }
  } catch (err) {
    ctx.abortReason ??= `run failed: ${(err as Error)?.message ?? String(err)}`;
  } finally {
    await heal(ctx);
  }
  if (ctx.loaded) await recover(ctx);
  await finalState(ctx);
  return store(ctx, check(ctx));
}
