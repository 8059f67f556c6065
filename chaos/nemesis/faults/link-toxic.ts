/** One Toxiproxy toxic (latency, bandwidth, reset, ...) on the links a selector names. */
import { z } from 'zod';
import { NemesisError } from '../errors.ts';
import { linkSelectorSchema, toxicSpecSchema } from '../fault.ts';
import { selectLinks } from '../link-selection.ts';
import type { ToxicBody } from '../proxy-control.ts';
import { defineFault } from './fault-module.ts';
import { toxicPlan } from './toxic-plan.ts';
import { removeToxicStep } from './undo-steps.ts';

const schema = z.object({ kind: z.literal('link-toxic'), select: linkSelectorSchema, toxic: toxicSpecSchema });

export const linkToxicFault = defineFault<z.infer<typeof schema>>({
  kind: 'link-toxic',
  schema,
  needsLeader: (f) => 'target' in f.select && f.select.target.role === 'leader',
  plan: (f, ctx) => {
    const { links, nodes } = selectLinks(f.select, ctx.snapshot, ctx.random);
    const stream = f.toxic.stream ?? 'upstream';
    const toxicity = f.toxic.toxicity ?? 1;
    if (!(toxicity >= 0 && toxicity <= 1)) throw new NemesisError('INVALID_FAULT', `toxicity must be within 0..1, got ${toxicity}`);
    const toxics = links.map((link) => ({
      proxy: link,
      body: { name: `${ctx.id}_${f.toxic.type}_${stream}`, type: f.toxic.type, stream, toxicity, attributes: { ...f.toxic.attributes } } satisfies ToxicBody,
    }));
    const attrs = Object.entries(f.toxic.attributes).map(([k, v]) => `${k}=${v}`).join(' ');
    return toxicPlan(ctx, `${f.toxic.type} (${attrs}) on ${stream} of ${links.join(', ')}`, nodes, toxics);
  },
  undoSteps: [removeToxicStep],
});
