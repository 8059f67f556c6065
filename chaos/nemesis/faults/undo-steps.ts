/**
 * The undo steps several fault kinds record. Every step is idempotent, so a heal may be
 * retried, may run after a partial apply, and may run in a process that knows only the ledger.
 *
 * Exports: `startStep`, `resumeStep`, `removeToxicStep`, `enableProxyStep`, `sharedUndoSteps`, `proxyStep`.
 *
 *   resume / start   through the Runtime (resume of a non-paused member and start of a running
 *                    one are no-ops there); a member the runtime no longer knows — its cluster
 *                    was taken down and forgotten — has nothing left to undo
 *   remove-toxic     a missing proxy or toxic is already removed
 *   enable-proxy     an enabled or missing proxy needs nothing (no fault records it today;
 *                    kept so older ledgers still heal)
 * When the proxy server refuses connections it is not running, and since Toxiproxy keeps its
 * state in memory only there is no toxic or disabled proxy left; that counts as undone. A
 * server that accepts but does not answer is a failure.
 */
import { z } from 'zod';
import { RuntimeError } from '../../runtime/runtime.ts';
import { enableProxy, probeToxiproxy, removeToxic } from '../proxy-control.ts';
import { defineUndoStep, type AnyUndoStepModule, type UndoDeps } from './fault-module.ts';

/** Starts (or resumes) one member; a member the runtime forgot has nothing left to undo. */
export async function memberStep(deps: UndoDeps, member: string, action: 'start' | 'resume'): Promise<string> {
  try {
    const before = (await deps.runtime.info(member)).state;
    if (action === 'resume') await deps.runtime.resume(member);
    else await deps.runtime.start(member);
    const acted = action === 'resume' ? before === 'paused' : before === 'stopped';
    return acted ? `${action === 'resume' ? 'resumed' : 'started'} ${member}` : `${member} already ${before}`;
  } catch (err) {
    if (err instanceof RuntimeError && err.code === 'UNKNOWN_MEMBER') return `${member} no longer exists`;
    throw err;
  }
}

export const startStep = defineUndoStep({
  kind: 'start',
  schema: z.object({ kind: z.literal('start'), member: z.string() }),
  run: (step, deps) => memberStep(deps, step.member, 'start'),
  describe: (step) => `start ${step.member}`,
});

export const resumeStep = defineUndoStep({
  kind: 'resume',
  schema: z.object({ kind: z.literal('resume'), member: z.string() }),
  run: (step, deps) => memberStep(deps, step.member, 'resume'),
  describe: (step) => `resume ${step.member}`,
});

export const removeToxicStep = defineUndoStep({
  kind: 'remove-toxic',
  schema: z.object({ kind: z.literal('remove-toxic'), proxy: z.string(), toxic: z.string() }),
  run: (step, deps) => proxyStep(deps, async () => {
    const r = await removeToxic(deps.toxiproxy, step.proxy, step.toxic);
    return r === 'removed' ? `removed toxic ${step.toxic} from ${step.proxy}` : `toxic ${step.toxic} on ${step.proxy} already gone`;
  }),
  describe: (step) => `remove-toxic ${step.proxy}/${step.toxic}`,
});

export const enableProxyStep = defineUndoStep({
  kind: 'enable-proxy',
  schema: z.object({ kind: z.literal('enable-proxy'), proxy: z.string() }),
  run: (step, deps) => proxyStep(deps, async () => {
    const r = await enableProxy(deps.toxiproxy, step.proxy);
    return r === 'enabled' ? `enabled proxy ${step.proxy}` : `proxy ${step.proxy} ${r === 'already' ? 'already enabled' : 'absent'}`;
  }),
  describe: (step) => `enable-proxy ${step.proxy}`,
});

export const sharedUndoSteps: readonly AnyUndoStepModule[] = [startStep, resumeStep, removeToxicStep, enableProxyStep];

export async function proxyStep(deps: UndoDeps, run: () => Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (err) {
    if ((await probeToxiproxy(deps.toxiproxy.host)) === 'refused') return `no proxy server at ${deps.toxiproxy.host}: nothing left there`;
    throw err;
  }
}
