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
 * inject(): resolve roles against one snapshot -> write the ledger entry (with its undo
 * steps) -> apply. The ledger write comes first so a crash during or after the action leaves
 * the undo on disk; if the action itself fails, its undo runs at once and the error is
 * rethrown. transfer-leadership has nothing to undo and is recorded healed right after it.
 */
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { ClusterView } from '../cluster-view.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { AppliedFault, Fault, UndoStep } from './fault.ts';
import { takeSnapshot, type ClusterSnapshot } from './cluster-snapshot.ts';
import { NemesisError } from './errors.ts';
import { healPending, type HealReport } from './heal.ts';
import type { Ledger } from './ledger.ts';
import { selectLinks } from './link-selection.ts';
import { grudgeLinks, grudgeRecord, resolvePartition } from './partitions.ts';
import { addToxic, type ToxicBody } from './proxy-control.ts';
import type { Random } from './random-pick.ts';
import { describeTarget, requireLeader, requireNodes, resolveTarget } from './targets.ts';
import { partitionToxicType } from './toxic-specs.ts';
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

interface Plan {
  readonly describe: string;
  readonly nodes: readonly string[];
  readonly grudge?: Readonly<Record<string, readonly string[]>>;
  readonly undo: readonly UndoStep[];
  apply(): Promise<void>;
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

  private async plan(id: string, fault: Fault): Promise<Plan> {
    const needsLeader = fault.kind === 'transfer-leadership'
      || (fault.kind === 'partition' && ['isolate-leader', 'leader-minority', 'one-way'].includes(fault.shape))
      || ('target' in fault && (fault.target.role === 'leader' || fault.target.role === 'follower' || fault.target.role === 'minority'))
      || (fault.kind === 'link-toxic' && 'target' in fault.select && fault.select.target.role === 'leader');
    const snapshot = await takeSnapshot(this.o.view, needsLeader ? (this.o.leaderWaitMs ?? 5000) : 0);
    switch (fault.kind) {
      case 'kill':
      case 'pause':
      case 'stop':
        return this.processPlan(fault.kind, resolveTarget(fault.target, snapshot, this.o.random), describeTarget(fault.target), snapshot);
      case 'partition': {
        const p = resolvePartition(fault.shape, fault.nodes, snapshot, this.o.random);
        const toxics = grudgeLinks(p.grudge).flatMap((link) => (['upstream', 'downstream'] as const).map((stream) => ({
          proxy: link,
          body: { name: `${id}_blackhole_${stream}`, type: partitionToxicType, stream, toxicity: 1, attributes: { timeout: 0 } } satisfies ToxicBody,
        })));
        return this.toxicPlan(p.describe, p.nodes, toxics, grudgeRecord(p.grudge));
      }
      case 'link-toxic': {
        const { links, nodes } = selectLinks(fault.select, snapshot, this.o.random);
        const stream = fault.toxic.stream ?? 'upstream';
        const toxicity = fault.toxic.toxicity ?? 1;
        if (!(toxicity >= 0 && toxicity <= 1)) throw new NemesisError('INVALID_FAULT', `toxicity must be within 0..1, got ${toxicity}`);
        const toxics = links.map((link) => ({
          proxy: link,
          body: { name: `${id}_${fault.toxic.type}_${stream}`, type: fault.toxic.type, stream, toxicity, attributes: { ...fault.toxic.attributes } } satisfies ToxicBody,
        }));
        const attrs = Object.entries(fault.toxic.attributes).map(([k, v]) => `${k}=${v}`).join(' ');
        return this.toxicPlan(`${fault.toxic.type} (${attrs}) on ${stream} of ${links.join(', ')}`, nodes, toxics);
      }
      case 'transfer-leadership':
        return this.transferPlan(fault.to, snapshot);
    }
  }

  private processPlan(kind: 'kill' | 'pause' | 'stop', nodes: string[], role: string, snapshot: ClusterSnapshot): Plan {
    const roleNote = nodes.length === 1 && nodes[0] === snapshot.leader ? `leader, term ${snapshot.term}` : role;
    const undoKind = kind === 'pause' ? 'resume' : 'start';
    return {
      describe: `${kind} ${nodes.join(', ')} (${roleNote})`,
      nodes,
      undo: nodes.map((member) => ({ kind: undoKind, member })),
      apply: async () => {
        await Promise.all(nodes.map((n) => this.o.runtime[kind](n)));
      },
    };
  }

  private toxicPlan(
    describe: string, nodes: readonly string[], toxics: readonly { proxy: string; body: ToxicBody }[],
    grudge?: Record<string, string[]>,
  ): Plan {
    if (toxics.length === 0) throw new NemesisError('INVALID_FAULT', `${describe}: selects no link`);
    return {
      describe, nodes, ...(grudge ? { grudge } : {}),
      undo: toxics.map(({ proxy, body }) => ({ kind: 'remove-toxic', proxy, toxic: body.name })),
      // All links at once, so a partition takes effect as one event rather than link by link.
      apply: async () => {
        const results = await Promise.allSettled(toxics.map(({ proxy, body }) => addToxic(this.o.toxiproxy, proxy, body)));
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      },
    };
  }

  private transferPlan(to: string | undefined, snapshot: ClusterSnapshot): Plan {
    const leader = requireLeader(snapshot);
    if (to !== undefined) {
      requireNodes(snapshot, [to]);
      if (to === leader) throw new NemesisError('INVALID_FAULT', `${to} already leads term ${snapshot.term}`);
    }
    const url = `${this.o.nodeUrl(leader)}/raft/transfer-leadership`;
    return {
      describe: `transfer leadership from ${leader} (term ${snapshot.term}) to ${to ?? 'the most caught-up follower'}`,
      nodes: to ? [leader, to] : [leader],
      undo: [],
      apply: async () => {
        let res: Response;
        try {
          res = await fetch(url, {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify(to ? { target: to } : {}), signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 2000),
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
  }
}
