/**
 * The shape of one fault kind. A fault module turns its parameters (checked by `schema`) into
 * a plan against one snapshot of the cluster: what it hits, the undo steps the nemesis writes
 * to the ledger BEFORE `apply` runs, and `apply` itself. Undo steps are data; the modules that
 * run them (`undoSteps`) are found by kind through the registry, so a process that knows only
 * the ledger can heal.
 *
 * Exports: `FaultModule`, `FaultPlan`, `PlanContext`, `UndoStepModule`, `AnyUndoStepModule`, `UndoDeps`, `defineFault`, `defineUndoStep`.
 */
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { z } from 'zod';
import type { Runtime } from '../../runtime/runtime.ts';
import type { ClusterSnapshot } from '../cluster-snapshot.ts';
import type { UndoStep } from '../fault.ts';
import type { Random } from '../random-pick.ts';

export interface UndoDeps {
  readonly runtime: Runtime;
  readonly toxiproxy: Toxiproxy;
}

/** Everything a plan may use: the snapshot its roles resolve against and the means to act. */
export interface PlanContext extends UndoDeps {
  /** The fault's id, unique per injection (toxic names carry it). */
  readonly id: string;
  readonly snapshot: ClusterSnapshot;
  readonly random: Random;
  readonly nodeUrl: (id: string) => string;
  readonly requestTimeoutMs: number;
}

export interface FaultPlan {
  readonly describe: string;
  readonly nodes: readonly string[];
  readonly grudge?: Readonly<Record<string, readonly string[]>>;
  /** Written to the ledger before `apply`; empty for actions with nothing to undo. */
  readonly undo: readonly UndoStep[];
  apply(): Promise<void>;
}

export interface FaultModule<F extends { kind: string }> {
  readonly kind: F['kind'];
  readonly schema: z.ZodType<F>;
  /** True when resolving this fault needs a leader (the nemesis then waits, bounded, for one). */
  needsLeader(fault: F): boolean;
  /** Roles -> concrete targets and undo steps; throws NemesisError when it cannot. */
  plan(fault: F, ctx: PlanContext): FaultPlan;
  /**
   * True when the fault takes effect while its request is still out (a leadership transfer may
   * elect the new leader before the 202 returns): trial measurements then count from the request.
   */
  readonly effectBeforeReturn?: boolean;
  /** The undo-step kinds this fault's plans record. */
  readonly undoSteps: readonly AnyUndoStepModule[];
}

export interface UndoStepModule<S extends UndoStep = UndoStep> {
  readonly kind: S['kind'];
  readonly schema: z.ZodType<S>;
  /** Idempotent; returns one line saying what was done ("started node2", "node2 already running"). */
  run(step: S, deps: UndoDeps): Promise<string>;
  /** Names the step in an error line: "start node2". */
  describe(step: S): string;
}

/**
 * A step module of any step type: the registry checks a step against the module's own schema
 * before it runs it, so the parameter type is erased only at this boundary.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyUndoStepModule = UndoStepModule<any>;

/** Identity functions that keep each module's own parameter type while checking its shape. */
export function defineFault<F extends { kind: string }>(m: FaultModule<F>): FaultModule<F> {
  return m;
}

export function defineUndoStep<S extends UndoStep>(m: UndoStepModule<S>): UndoStepModule<S> {
  return m;
}
