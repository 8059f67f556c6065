/**
 * The target node loses its disk: stopped (graceful by default, or SIGKILL), then everything in
 * its data directory removed, node identity included (cluster/local/wipe-node.ts). It stays down
 * for the hold; the undo is a plain `start`, so a later process heals it from the ledger alone.
 * Started empty, the node finds its peers formed and rejoins catching-up: it must not vote or
 * count toward a quorum until it holds the log again (cluster/node/node-identity.ts).
 */
import { z } from 'zod';
import { wipeNodeData } from '../../../cluster/local/wipe-node.ts';
import { targetSchema } from '../fault.ts';
import { describeTarget, resolveTarget } from '../targets.ts';
import { defineFault } from './fault-module.ts';
import { nodeDataDir } from './node-data-dir.ts';
import { startStep } from './undo-steps.ts';

const schema = z.object({ kind: z.literal('disk-loss'), target: targetSchema, how: z.enum(['stop', 'kill']).optional() });

export const diskLossFault = defineFault<z.infer<typeof schema>>({
  kind: 'disk-loss',
  schema,
  needsLeader: (f) => f.target.role === 'leader' || f.target.role === 'follower' || f.target.role === 'minority',
  plan: (f, ctx) => {
    const nodes = resolveTarget(f.target, ctx.snapshot, ctx.random);
    const dirs = nodes.map((n) => nodeDataDir(ctx.runtime, n, 'disk-loss'));
    const how = f.how ?? 'stop';
    const roleNote = nodes.length === 1 && nodes[0] === ctx.snapshot.leader ? `leader, term ${ctx.snapshot.term}` : describeTarget(f.target);
    return {
      describe: `disk-loss ${nodes.join(', ')} (${roleNote}; ${how}, data wiped)`,
      nodes,
      undo: nodes.map((member) => ({ kind: startStep.kind, member })),
      apply: async () => {
        await Promise.all(nodes.map((n) => ctx.runtime[how](n)));
        for (const dir of dirs) await wipeNodeData(dir);
      },
    };
  },
  undoSteps: [startStep],
});
