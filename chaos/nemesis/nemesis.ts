/**
 * The nemesis: turns a Fault (roles, shapes, selectors) into an AppliedFault against the live
 * cluster and undoes it again.
 *
 * Exports: `Nemesis`, `NemesisOptions`.
 *
 *   const { nemesis, leftovers } = await Nemesis.open(opts);  // heals what a dead run left
 *   const applied = await nemesis.inject({ kind: 'partition', shape: 'isolate-leader' });
 *   await nemesis.heal(applied);            // or nemesis.healAll() at the end / on error
 *
 * inject(): find the fault's module (faults/registry.ts), check its parameters, resolve roles
 * against one snapshot -> write the ledger entry (with its undo steps) -> apply. The ledger
 * write comes first so a crash during or after the action leaves the undo on disk; if the
 * action itself fails, its undo runs at once and the error is rethrown. A fault with nothing
 * to undo (transfer-leadership) is recorded healed right after it.
 */
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { ClusterView } from '../cluster-view.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { AppliedFault, Fault } from './fault.ts';
import { takeSnapshot } from './cluster-snapshot.ts';
import { NemesisError } from './errors.ts';
import type { FaultPlan } from './faults/fault-module.ts';
import { faultModules, findFault } from './faults/registry.ts';
import { healPending, type HealReport } from './heal.ts';
import type { Ledger } from './ledger.ts';
import type { Random } from './random-pick.ts';
import { undoFault, type UndoOutcome } from './undo.ts';

export interface NemesisOptions {
  readonly runtime: Runtime;
  /** A toxiproxy-node-client pointed at the cluster's proxy server. */
  readonly toxiproxy: Toxiproxy;
  readonly view: ClusterView;
  readonly ledger: Ledger;
  /** Uniform in [0, 1) from the run's printed seed; the only source of target choices. */
  readonly random: Random;
  /** A node's direct API URL (never through a proxy), for transfer-leadership. */
  readonly nodeUrl: (id: string) => string;
  readonly now?: () => number;
  /** How long a fault that needs the leader waits for one to be elected. Default 5000. */
  readonly leaderWaitMs?: number;
  /** Deadline of the transfer-leadership request. Default 2000. */
  readonly requestTimeoutMs?: number;
}

export class Nemesis {
  private seq = 0;
  private readonly now: () => number;

  constructor(private readonly o: NemesisOptions) {
    this.now = o.now ?? Date.now;
  }

  /** A nemesis whose ledger has first been healed of whatever an earlier run left pending. */
  static async open(o: NemesisOptions): Promise<{ nemesis: Nemesis; leftovers: HealReport }> {
    const nemesis = new Nemesis(o);
    return { nemesis, leftovers: await nemesis.healAll() };
  }

  async inject(fault: Fault): Promise<AppliedFault> {
    const id = `f${this.now().toString(36)}-${process.pid}-${++this.seq}`;
    const plan = await this.plan(id, fault);
    const recorded: AppliedFault = {
      id, fault, describe: plan.describe, nodes: plan.nodes, ...(plan.grudge ? { grudge: plan.grudge } : {}),
      appliedAtMs: this.now(), undo: plan.undo,
    };
    this.o.ledger.recordInject(recorded);
    try {
      await plan.apply();
    } catch (err) {
      const undone = await undoFault(recorded, this.o);
      if (undone.errors.length === 0) this.o.ledger.recordHealed(id);
      throw err;
    }
    if (plan.undo.length === 0) this.o.ledger.recordHealed(id);
    return { ...recorded, appliedAtMs: this.now() };
  }

  /** Undoes one fault; HEAL_FAILED (and it stays pending in the ledger) if a step failed. */
  async heal(applied: AppliedFault): Promise<UndoOutcome> {
    if (!this.o.ledger.isPending(applied.id)) return { steps: [], errors: [] };
    const outcome = await undoFault(applied, this.o);
    if (outcome.errors.length > 0) throw new NemesisError('HEAL_FAILED', `cannot heal ${applied.describe}: ${outcome.errors.join('; ')}`);
    this.o.ledger.recordHealed(applied.id);
    return outcome;
  }

  /** Heals everything pending in the ledger (this run's faults and any earlier run's). */
  healAll(): Promise<HealReport> {
    return healPending(this.o);
  }

  /** The fault's module, its parameters checked, resolved against one snapshot of the cluster. */
  private async plan(id: string, fault: Fault): Promise<FaultPlan> {
    const kind = (fault as { kind?: unknown } | null)?.kind;
    const module = typeof kind === 'string' ? findFault(kind) : undefined;
    if (!module) throw new NemesisError('INVALID_FAULT', `unknown fault kind ${JSON.stringify(kind)} (kinds: ${faultModules.map((m) => m.kind).join(', ')})`);
    const parsed = module.schema.safeParse(fault);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new NemesisError('INVALID_FAULT', `${module.kind}: ${issue ? `${issue.path.join('.') || 'fault'}: ${issue.message}` : 'invalid parameters'}`);
    }
    const snapshot = await takeSnapshot(this.o.view, module.needsLeader(parsed.data) ? (this.o.leaderWaitMs ?? 5000) : 0);
    return module.plan(parsed.data, {
      id, snapshot, random: this.o.random, runtime: this.o.runtime, toxiproxy: this.o.toxiproxy,
      nodeUrl: this.o.nodeUrl, requestTimeoutMs: this.o.requestTimeoutMs ?? 2000,
    });
  }
}
