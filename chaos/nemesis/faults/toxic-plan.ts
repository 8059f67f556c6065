/**
 * The plan of a fault made of toxics: every toxic added at once (so a partition takes effect
 * as one event rather than link by link), each removed again by its own undo step.
 *
 * Exports: `toxicPlan`.
 */
import { NemesisError } from '../errors.ts';
import { addToxic, type ToxicBody } from '../proxy-control.ts';
import type { FaultPlan, PlanContext } from './fault-module.ts';
import { removeToxicStep } from './undo-steps.ts';

export function toxicPlan(
  ctx: PlanContext, describe: string, nodes: readonly string[], toxics: readonly { proxy: string; body: ToxicBody }[],
  grudge?: Record<string, string[]>,
): FaultPlan {
  if (toxics.length === 0) throw new NemesisError('INVALID_FAULT', `${describe}: selects no link`);
  return {
    describe, nodes, ...(grudge ? { grudge } : {}),
    undo: toxics.map(({ proxy, body }) => ({ kind: removeToxicStep.kind, proxy, toxic: body.name })),
    apply: async () => {
      const results = await Promise.allSettled(toxics.map(({ proxy, body }) => addToxic(ctx.toxiproxy, proxy, body)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
