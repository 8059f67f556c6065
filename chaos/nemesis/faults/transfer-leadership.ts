/**
 * Not a fault to heal but an action: move leadership (rolling restarts). Nothing to undo, so
 * the nemesis records it healed right after it is applied.
 */
import { z } from 'zod';
import { NemesisError } from '../errors.ts';
import { requireLeader, requireNodes } from '../targets.ts';
import { defineFault } from './fault-module.ts';

const schema = z.object({ kind: z.literal('transfer-leadership'), to: z.string().optional() });

export const transferLeadershipFault = defineFault<z.infer<typeof schema>>({
  kind: 'transfer-leadership',
  schema,
  needsLeader: () => true,
  effectBeforeReturn: true,
  plan: ({ to }, ctx) => {
    const leader = requireLeader(ctx.snapshot);
    if (to !== undefined) {
      requireNodes(ctx.snapshot, [to]);
      if (to === leader) throw new NemesisError('INVALID_FAULT', `${to} already leads term ${ctx.snapshot.term}`);
    }
    const url = `${ctx.nodeUrl(leader)}/raft/transfer-leadership`;
    return {
      describe: `transfer leadership from ${leader} (term ${ctx.snapshot.term}) to ${to ?? 'the most caught-up follower'}`,
      nodes: to ? [leader, to] : [leader],
      undo: [],
      apply: async () => {
        let res: Response;
        try {
          res = await fetch(url, {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify(to ? { target: to } : {}), signal: AbortSignal.timeout(ctx.requestTimeoutMs),
          });
        } catch (err) {
          throw new NemesisError('TRANSFER_FAILED', `POST ${url}: ${(err as Error).message}`);
        }
        if (res.status !== 202) {
          const body = await res.text().catch(() => '');
          throw new NemesisError('TRANSFER_FAILED', `POST ${url} answered ${res.status}: ${body.slice(0, 200)}`);
        }
        await res.body?.cancel().catch(() => {});
      },
    };
  },
  undoSteps: [],
});
