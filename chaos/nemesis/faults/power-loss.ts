/**
 * Power loss (Jepsen's LazyFS, after the fact): the target node(s) SIGKILLed, then every write
 * they had not fsynced dropped from their data directories (cluster/storage/power-cut.ts, cut
 * points drawn from the nemesis's seeded stream). They stay down for the hold; the undo starts
 * them again (`start-all`, together, when the whole cluster lost power), from the ledger alone.
 * The nodes must run with RAFT_SYNC_LEDGER=1 (and RAFT_FSYNC_DELAY_MS to widen the unsynced
 * window); without a sync ledger the cut refuses and the heal starts the nodes untouched.
 */
import { z } from 'zod';
import { Rng } from '../../../cluster/common/rng.ts';
import { powerCut } from '../../../cluster/storage/power-cut.ts';
import { targetSchema } from '../fault.ts';
import { describeTarget, requireLeader, resolveTarget } from '../targets.ts';
import { defineFault } from './fault-module.ts';
import { nodeDataDir } from './node-data-dir.ts';
import { startAllStep } from './restart-all.ts';
import { startStep } from './undo-steps.ts';

/** `followers`: every node but the leader at once, a majority whose unsynced writes go while the leader's stay. */
const schema = z.object({ kind: z.literal('power-loss'), target: z.union([targetSchema, z.object({ role: z.literal('all') }), z.object({ role: z.literal('followers') })]) });

export const powerLossFault = defineFault<z.infer<typeof schema>>({
  kind: 'power-loss',
  schema,
  needsLeader: (f) => f.target.role === 'leader' || f.target.role === 'follower' || f.target.role === 'minority' || f.target.role === 'followers',
  plan: (f, ctx) => {
    const all = f.target.role === 'all';
    const nodes = f.target.role === 'all' ? [...ctx.snapshot.nodeIds]
      : f.target.role === 'followers' ? ctx.snapshot.nodeIds.filter((n) => n !== requireLeader(ctx.snapshot))
        : resolveTarget(f.target, ctx.snapshot, ctx.random);
    const dirs = nodes.map((n) => nodeDataDir(ctx.runtime, n, 'power-loss'));
    const seed = Math.floor(ctx.random() * 2 ** 32);
    const roleNote = all ? 'all nodes' : f.target.role === 'followers' ? `every follower of ${ctx.snapshot.leader}, term ${ctx.snapshot.term}` : nodes.length === 1 && nodes[0] === ctx.snapshot.leader ? `leader, term ${ctx.snapshot.term}` : describeTarget(f.target as z.infer<typeof targetSchema>);
    return {
      describe: `power-loss ${nodes.join(', ')} (${roleNote}; unsynced writes dropped, cut seed ${seed})`,
      nodes,
      undo: all || nodes.length > 1 ? [{ kind: startAllStep.kind, members: nodes }] : nodes.map((member) => ({ kind: startStep.kind, member })),
      apply: async () => {
        await Promise.all(nodes.map((n) => ctx.runtime.kill(n)));
        const rng = new Rng(seed);
        nodes.forEach((n, i) => powerCut(dirs[i]!, rng.fork(n)));
      },
    };
  },
  undoSteps: [startStep, startAllStep],
});
