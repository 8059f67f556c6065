/**
 * Partition: a shape resolved to a grudge (partitions.ts), every silenced link blackholed on
 * both streams (toxic-specs.ts says why a timeout toxic and not a disabled proxy).
 */
import { z } from 'zod';
import { partitionShapes } from '../fault.ts';
import { grudgeLinks, grudgeRecord, resolvePartition } from '../partitions.ts';
import type { ToxicBody } from '../proxy-control.ts';
import { partitionToxicType } from '../toxic-specs.ts';
import { defineFault } from './fault-module.ts';
import { toxicPlan } from './toxic-plan.ts';
import { removeToxicStep } from './undo-steps.ts';
import { reconnectStep, removeDropStep } from './network-undo-steps.ts';
import { NemesisError } from '../errors.ts';

/** `via: network` is cut under the proxy by the Docker target (nemesis/network-partition.ts); here it is refused. */
const schema = z.object({ kind: z.literal('partition'), shape: z.enum(partitionShapes), nodes: z.array(z.string()).optional(), via: z.enum(['proxy', 'network']).optional() });

export const partitionFault = defineFault<z.infer<typeof schema>>({
  kind: 'partition',
  schema,
  needsLeader: (f) => f.shape === 'isolate-leader' || f.shape === 'leader-minority' || f.shape === 'one-way',
  plan: (f, ctx) => {
    if (f.via === 'network') throw new NemesisError('INVALID_FAULT', `the ${ctx.runtime.kind} runtime cannot cut links under the proxy (--partition network needs --runtime docker)`);
    const p = resolvePartition(f.shape, f.nodes, ctx.snapshot, ctx.random);
    const toxics = grudgeLinks(p.grudge).flatMap((link) => (['upstream', 'downstream'] as const).map((stream) => ({
      proxy: link,
      body: { name: `${ctx.id}_blackhole_${stream}`, type: partitionToxicType, stream, toxicity: 1, attributes: { timeout: 0 } } satisfies ToxicBody,
    })));
    return toxicPlan(ctx, p.describe, p.nodes, toxics, grudgeRecord(p.grudge));
  },
  undoSteps: [removeToxicStep, reconnectStep, removeDropStep],
});
