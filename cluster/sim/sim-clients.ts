import { RaftError } from '../raft/errors.ts';
import type { Entry, NodeId } from '../raft/messages.ts';
import type { ReadState } from '../raft/ready.ts';
import type { InvariantChecker } from './invariants.ts';
import type { Rng } from '../common/rng.ts';
import type { SimNode } from './sim-node.ts';

interface Pending {
  readonly index: number;
  readonly term: number;
  readonly data: string;
}

/**
 * The simulated clients: they propose to any node that believes it leads (a stale leader
 * included: it must not acknowledge), hear "ok" only when their leader applied the entry, and
 * issue ReadIndex reads whose read point must cover every write acknowledged before them.
 */
export class SimClients {
  proposed = 0;
  acknowledged = 0;
  reads = 0;
  private maxAcked = 0;
  private seq = 0;
  private readonly pending = new Map<NodeId, Pending[]>();
  private readonly readsInFlight = new Map<string, number>();
  /** After healing: proposals of which one must commit on every node. */
  private readonly livenessTargets: { index: number; data: string }[] = [];
  private lastLivenessProposalMs = -Infinity;

  constructor(private readonly rng: Rng, private readonly checker: InvariantChecker) {}

  /** Propose 1-3 commands to a node that believes it leads. */
  propose(leaders: readonly SimNode[], process: (n: SimNode) => void): void {
    if (leaders.length === 0) return;
    const leader = this.rng.pick(leaders);
    const count = this.rng.int(1, 3);
    const data = Array.from({ length: count }, () => `c${++this.seq}`);
    try {
      const r = leader.raft!.propose(data);
      this.proposed += count;
      const list = this.pending.get(leader.id) ?? [];
      for (let i = 0; i < count; i++) list.push({ index: r.firstIndex + i, term: r.term, data: data[i]! });
      this.pending.set(leader.id, list);
      process(leader);
    } catch (err) {
      if (!(err instanceof RaftError)) throw err;
    }
  }

  /** A ReadIndex read at every node that believes it leads (a deposed one included). */
  read(leaders: readonly SimNode[], process: (n: SimNode) => void): void {
    for (const leader of leaders) this.readAt(leader, process);
  }

  private readAt(leader: SimNode, process: (n: SimNode) => void): void {
    const ctx = `r${this.reads++}`;
    this.readsInFlight.set(ctx, this.maxAcked);
    try {
      leader.raft!.readIndex(ctx);
      process(leader);
    } catch (err) {
      if (!(err instanceof RaftError)) throw err;
    }
  }

  /** After healing, one proposal every 200 ms to the leader (one to a stale leader is lawfully lost). */
  proposeForLiveness(now: number, leader: SimNode | undefined, process: (n: SimNode) => void): void {
    if (!leader || now - this.lastLivenessProposalMs < 200) return;
    try {
      const data = `liveness-${this.livenessTargets.length}`;
      const r = leader.raft!.propose([data]);
      this.livenessTargets.push({ index: r.firstIndex, data });
      this.lastLivenessProposalMs = now;
      process(leader);
    } catch (err) {
      if (!(err instanceof RaftError)) throw err;
    }
  }

  /** Some liveness proposal is committed and applied on every node. */
  live(nodes: readonly SimNode[]): boolean {
    return this.livenessTargets.some((t) => this.checker.committedEntry(t.index)?.data === t.data &&
      nodes.every((n) => n.appliedIndex >= t.index));
  }

  /** `node` applied `entry`: answer the clients waiting on it at this node. */
  applied(node: NodeId, entry: Entry): void {
    const mine = this.pending.get(node);
    while (mine && mine.length > 0 && mine[0]!.index <= entry.index) {
      const p = mine.shift()!;
      if (p.index === entry.index && p.term === entry.term) {
        this.checker.acknowledged(p.index, p.data);
        this.acknowledged++;
        if (p.index > this.maxAcked) this.maxAcked = p.index;
      }
    }
  }

  readStates(node: NodeId, states: readonly ReadState[]): void {
    for (const rs of states) {
      const before = this.readsInFlight.get(rs.ctx);
      if (before === undefined) continue;
      this.readsInFlight.delete(rs.ctx);
      this.checker.readServed(node, rs.index, before);
    }
  }

  /** The pause before the next client action, from the clients' stream. */
  delay(lo: number, hi: number): number {
    return this.rng.int(lo, hi);
  }

  /** A node that stepped down or crashed will never answer its pending proposals. */
  forget(node: NodeId): void {
    this.pending.delete(node);
  }
}
