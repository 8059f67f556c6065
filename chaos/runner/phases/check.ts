/**
 * Phase 6, check: every checker over the history, node events, trial records and final logs,
 * through the same function `just check` uses; an abort reason becomes the run-completed check.
 */
import { checkRun } from '../../checker/run-checks.ts';
import type { RunContext } from '../run-context.ts';
import { trialLiveness } from '../run-types.ts';

export function check(ctx: RunContext): ReturnType<typeof checkRun> {
  const runtimeChecks = [...ctx.runtimeChecks];
  if (ctx.abortReason !== null) runtimeChecks.push({ checker: 'run-completed', valid: 'unknown', reason: ctx.abortReason });
  const checked = checkRun({
    history: ctx.history.events, clientId: ctx.clientId, historyOriginEpochMs: ctx.clock.originEpochMs, finalLogs: ctx.stored,
    nodeEvents: ctx.poller.events, isolated: ctx.isolated, runtimeChecks, linearizabilityBudgetMs: ctx.checkBudgetMs,
    trials: ctx.perTrial.map(trialLiveness), liveness: ctx.liveness,
  });
  ctx.log(`check: ${Object.keys(checked.checks).join(', ')} in ${checked.checkMs} ms`);
  return checked;
}
