/**
 * healPending: undo every fault the ledger holds as injected-and-not-healed, newest first, and
 * mark each one healed once all of its undo steps succeeded. Used on a runner's normal end,
 * on its errors, on SIGINT/SIGTERM (heal-on-exit.ts), at the next runner start, and by
 * `just heal`.
 *
 * Exports: `healPending`, `HealDeps`, `HealReport`.
 *
 * A fault whose steps did not all succeed stays pending, so the next heal tries it again.
 */
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { Runtime } from '../runtime/runtime.ts';
import type { Ledger } from './ledger.ts';
import { undoFault } from './undo.ts';

export interface HealDeps {
  readonly runtime: Runtime;
  readonly toxiproxy: Toxiproxy;
  readonly ledger: Ledger;
}

export interface HealReport {
  readonly healed: readonly { id: string; describe: string; steps: readonly string[] }[];
  readonly failed: readonly { id: string; describe: string; errors: readonly string[] }[];
}

export async function healPending(deps: HealDeps): Promise<HealReport> {
  const healed: HealReport['healed'][number][] = [];
  const failed: HealReport['failed'][number][] = [];
  // Newest first: a later fault may sit on top of an earlier one (a pause of a partitioned node).
  for (const applied of deps.ledger.pending().reverse()) {
    const outcome = await undoFault(applied, deps);
    if (outcome.errors.length === 0) {
      deps.ledger.recordHealed(applied.id);
      healed.push({ id: applied.id, describe: applied.describe, steps: outcome.steps });
    } else {
      failed.push({ id: applied.id, describe: applied.describe, errors: outcome.errors });
    }
  }
  return { healed, failed };
}
