/**
 * Runs the ledger's undo steps, each through the undo-step module its kind names in the fault
 * registry (faults/undo-steps.ts lists the shared ones, what each does when there is nothing
 * left to undo). Every step is idempotent, so a heal may be retried, may run after a partial
 * apply, and may run in a process that knows nothing but the ledger.
 *
 * Exports: `runUndoStep`, `undoFault`, `UndoDeps`, `UndoOutcome`.
 */
import type { AppliedFault, UndoStep } from './fault.ts';
import type { UndoDeps } from './faults/fault-module.ts';
import { findUndoStep, undoStepKinds } from './faults/registry.ts';

export type { UndoDeps };

export interface UndoOutcome {
  /** One line per step: what was done ("removed toxic x from p", "node2 already running"). */
  readonly steps: readonly string[];
  readonly errors: readonly string[];
}

export async function runUndoStep(step: UndoStep, deps: UndoDeps): Promise<string> {
  const module = findUndoStep(step.kind);
  if (!module) throw new Error(`unknown undo step kind "${step.kind}" (this build knows: ${undoStepKinds().join(', ')})`);
  const parsed = module.schema.safeParse(step);
  if (!parsed.success) throw new Error(`malformed ${step.kind} step: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return module.run(parsed.data, deps);
}

function describeStep(step: UndoStep): string {
  const module = findUndoStep(step.kind);
  const parsed = module?.schema.safeParse(step);
  return module && parsed?.success ? module.describe(parsed.data) : `${step.kind} ${JSON.stringify(step)}`;
}

/** Every step is tried even after one fails, so a heal undoes as much as it can. */
export async function undoFault(applied: AppliedFault, deps: UndoDeps): Promise<UndoOutcome> {
  const steps: string[] = [];
  const errors: string[] = [];
  for (const step of applied.undo) {
    try {
      steps.push(await runUndoStep(step, deps));
    } catch (err) {
      errors.push(`${describeStep(step)}: ${(err as Error)?.message ?? String(err)}`);
    }
  }
  return { steps, errors };
}
