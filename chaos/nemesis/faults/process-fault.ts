/**
 * kill / pause / stop share one shape: resolve a Target to nodes, act on each through the
 * Runtime, undo by starting (or resuming) each again.
 *
 * Exports: `processFault`.
 */
import { z } from 'zod';
import { targetSchema } from '../fault.ts';
import { describeTarget, resolveTarget } from '../targets.ts';
import { defineFault, type FaultModule } from './fault-module.ts';
import { resumeStep, startStep } from './undo-steps.ts';

export function processFault<K extends 'kill' | 'pause' | 'stop'>(kind: K): FaultModule<{ kind: K; target: z.infer<typeof targetSchema> }> {
  const undoStep = kind === 'pause' ? resumeStep : startStep;
  return defineFault({
    kind,
    schema: z.object({ kind: z.literal(kind), target: targetSchema }) as unknown as z.ZodType<{ kind: K; target: z.infer<typeof targetSchema> }>,
    needsLeader: (f) => f.target.role === 'leader' || f.target.role === 'follower' || f.target.role === 'minority',
    plan: (f, ctx) => {
      const nodes = resolveTarget(f.target, ctx.snapshot, ctx.random);
      const roleNote = nodes.length === 1 && nodes[0] === ctx.snapshot.leader ? `leader, term ${ctx.snapshot.term}` : describeTarget(f.target);
      return {
        describe: `${kind} ${nodes.join(', ')} (${roleNote})`,
        nodes,
        undo: nodes.map((member) => ({ kind: undoStep.kind, member })),
        apply: async () => {
          await Promise.all(nodes.map((n) => ctx.runtime[kind](n)));
        },
      };
    },
    undoSteps: [undoStep],
  });
}
