/**
 * Every fault kind, one line each. Adding a fault = one file in this folder + one line here;
 * the nemesis, the heal paths and `Fault` (the union of the modules' parameters) follow.
 *
 * Exports: `faultModules`, `Fault`, `findFault`, `findUndoStep`, `undoStepKinds`.
 */
import type { AnyUndoStepModule, FaultModule } from './fault-module.ts';
import { diskLossFault } from './disk-loss.ts';
import { killFault } from './kill.ts';
import { linkToxicFault } from './link-toxic.ts';
import { partitionFault } from './partition.ts';
import { pauseFault } from './pause.ts';
import { powerLossFault } from './power-loss.ts';
import { restartAllFault } from './restart-all.ts';
import { stopFault } from './stop.ts';
import { transferLeadershipFault } from './transfer-leadership.ts';
import { sharedUndoSteps } from './undo-steps.ts';

export const faultModules = [
  killFault,
  pauseFault,
  stopFault,
  partitionFault,
  linkToxicFault,
  transferLeadershipFault,
  restartAllFault,
  diskLossFault,
  powerLossFault,
] as const;

type ParamsOf<M> = M extends FaultModule<infer F> ? F : never;
export type Fault = ParamsOf<(typeof faultModules)[number]>;

type AnyFaultModule = FaultModule<{ kind: string }>;

export function findFault(kind: string): AnyFaultModule | undefined {
  return (faultModules as readonly unknown[] as readonly AnyFaultModule[]).find((m) => m.kind === kind);
}

/** Undo-step kind -> its module: what a process that knows only the ledger heals with. */
const undoSteps = new Map<string, AnyUndoStepModule>();
for (const step of [...sharedUndoSteps, ...faultModules.flatMap((m) => m.undoSteps)]) undoSteps.set(step.kind, step);

export function findUndoStep(kind: string): AnyUndoStepModule | undefined {
  return undoSteps.get(kind);
}

export function undoStepKinds(): string[] {
  return [...undoSteps.keys()];
}
