/**
 * Every node down at once (SIGKILL by default, or a graceful stop), then — on heal — every node
 * started together: a whole-cluster power loss and cold start. Nothing is left running to hold
 * a term, so the restarted nodes must elect from what their disks hold.
 *
 * Its undo is one `start-all` step (defined here), so the nodes start concurrently rather than
 * one by one; like every step it is idempotent (a running member is left alone).
 */
import { z } from 'zod';
import { defineFault, defineUndoStep } from './fault-module.ts';
import { memberStep } from './undo-steps.ts';

const schema = z.object({ kind: z.literal('restart-all'), how: z.enum(['kill', 'stop']).optional() });

export const startAllStep = defineUndoStep({
  kind: 'start-all',
  schema: z.object({ kind: z.literal('start-all'), members: z.array(z.string()).min(1) }),
  run: async (step, deps) => {
    const settled = await Promise.allSettled(step.members.map((m) => memberStep(deps, m, 'start')));
    const failed = settled.flatMap((r, i) => (r.status === 'rejected' ? [`${step.members[i]}: ${(r.reason as Error)?.message ?? String(r.reason)}`] : []));
    if (failed.length > 0) throw new Error(failed.join('; '));
    return settled.map((r) => (r as PromiseFulfilledResult<string>).value).join(', ');
  },
  describe: (step) => `start-all ${step.members.join(', ')}`,
});

export const restartAllFault = defineFault<z.infer<typeof schema>>({
  kind: 'restart-all',
  schema,
  needsLeader: () => false,
  plan: (f, ctx) => {
    const how = f.how ?? 'kill';
    const nodes = [...ctx.snapshot.nodeIds];
    const leaderNote = ctx.snapshot.leader ? `leader ${ctx.snapshot.leader}, term ${ctx.snapshot.term}` : 'no leader';
    return {
      describe: `restart-all: ${how} ${nodes.join(', ')} (${leaderNote})`,
      nodes,
      undo: [{ kind: startAllStep.kind, members: nodes }],
      apply: async () => {
        await Promise.all(nodes.map((n) => ctx.runtime[how](n)));
      },
    };
  },
  undoSteps: [startAllStep],
});
