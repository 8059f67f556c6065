/**
 * Runs the ledger's undo steps. Every step is idempotent, so a heal may be retried, may run
 * after a partial apply, and may run in a process that knows nothing but the ledger.
 *
 * Exports: `runUndoStep`, `undoFault`, `UndoDeps`, `UndoOutcome`.
 *
 *   resume / start   through the Runtime (resume of a non-paused member and start of a running
 *                    one are no-ops there); a member the runtime no longer knows — its cluster
 *                    was taken down and forgotten — has nothing left to undo
 *   remove-toxic     a missing proxy or toxic is already removed
 *   enable-proxy     an enabled or missing proxy needs nothing
 * When the proxy server refuses connections it is not running, and since Toxiproxy keeps its
 * state in memory only there is no toxic or disabled proxy left; that counts as undone. A
 * server that accepts but does not answer is a failure.
 */
import type { Toxiproxy } from 'toxiproxy-node-client';
import { RuntimeError, type Runtime } from '../runtime/runtime.ts';
import type { AppliedFault, UndoStep } from './fault.ts';
import { networkUndoStep } from './network-partition.ts';
import { enableProxy, probeToxiproxy, removeToxic } from './proxy-control.ts';

export interface UndoDeps {
  readonly runtime: Runtime;
  readonly toxiproxy: Toxiproxy;
}

export interface UndoOutcome {
  /** One line per step: what was done ("removed toxic x from p", "node2 already running"). */
  readonly steps: readonly string[];
  readonly errors: readonly string[];
}

export async function runUndoStep(step: UndoStep, deps: UndoDeps): Promise<string> {
  switch (step.kind) {
    case 'resume':
    case 'start':
      try {
        const before = (await deps.runtime.info(step.member)).state;
        if (step.kind === 'resume') await deps.runtime.resume(step.member);
        else await deps.runtime.start(step.member);
        const acted = step.kind === 'resume' ? before === 'paused' : before === 'stopped';
        return acted ? `${step.kind === 'resume' ? 'resumed' : 'started'} ${step.member}` : `${step.member} already ${before}`;
      } catch (err) {
        if (err instanceof RuntimeError && err.code === 'UNKNOWN_MEMBER') return `${step.member} no longer exists`;
        throw err;
      }
    case 'remove-toxic':
      return proxyStep(deps, async () => {
        const r = await removeToxic(deps.toxiproxy, step.proxy, step.toxic);
        return r === 'removed' ? `removed toxic ${step.toxic} from ${step.proxy}` : `toxic ${step.toxic} on ${step.proxy} already gone`;
      });
    case 'enable-proxy':
      return proxyStep(deps, async () => {
        const r = await enableProxy(deps.toxiproxy, step.proxy);
        return r === 'enabled' ? `enabled proxy ${step.proxy}` : `proxy ${step.proxy} ${r === 'already' ? 'already enabled' : 'absent'}`;
      });
    case 'reconnect':
    case 'remove-drop':
      return networkUndoStep(step, deps.runtime);
  }
}

async function proxyStep(deps: UndoDeps, run: () => Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (err) {
    if ((await probeToxiproxy(deps.toxiproxy.host)) === 'refused') return `no proxy server at ${deps.toxiproxy.host}: nothing left there`;
    throw err;
  }
}

/** Every step is tried even after one fails, so a heal undoes as much as it can. */
export async function undoFault(applied: AppliedFault, deps: UndoDeps): Promise<UndoOutcome> {
  const steps: string[] = [];
  const errors: string[] = [];
  for (const step of applied.undo) {
    try {
      steps.push(await runUndoStep(step, deps));
    } catch (err) {
      errors.push(`${step.kind} ${'member' in step ? step.member : `${step.proxy}${'toxic' in step ? `/${step.toxic}` : ''}`}: ${(err as Error)?.message ?? String(err)}`);
    }
  }
  return { steps, errors };
}
