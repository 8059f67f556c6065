import type { Entry, NodeId, Snapshot } from '../raft/messages.ts';
import type { SimNode } from './sim-node.ts';

export interface Violation {
  readonly invariant: string;
  readonly atMs: number;
  readonly detail: string;
}

/**
 * The safety properties of Raft (§5.2–§5.4, Figure 3), checked continuously while faults run:
 * election safety, log matching, leader completeness, state-machine safety, and — for what
 * clients saw — no acknowledged proposal lost and no stale linearizable read.
 */
export class InvariantChecker {
  readonly violations: Violation[] = [];
  private leaders = new Map<number, NodeId>();
  /** Index -> (term, chain hash) of the first application anywhere: the committed history. */
  private committed = new Map<number, { term: number; hash: number; data: string }>();
  private maxCommitted = 0;
  now = 0;

  private fail(invariant: string, detail: string): void {
    this.violations.push({ invariant, atMs: this.now, detail });
  }

  /** Election safety: at most one leader per term. */
  elected(node: NodeId, term: number): void {
    const other = this.leaders.get(term);
    if (other !== undefined && other !== node) this.fail('election-safety', `term ${term} has leaders ${other} and ${node}`);
    this.leaders.set(term, node);
  }

  /** State-machine safety: no two nodes apply different commands at one index. */
  applied(node: NodeId, entry: Entry, hash: number): void {
    const seen = this.committed.get(entry.index);
    if (!seen) {
      this.committed.set(entry.index, { term: entry.term, hash, data: entry.data });
      if (entry.index > this.maxCommitted) this.maxCommitted = entry.index;
    } else if (seen.hash !== hash || seen.term !== entry.term) {
      this.fail('state-machine-safety', `${node} applied ${entry.index}@${entry.term} (${hash}) but ${seen.term} (${seen.hash}) was applied before`);
    }
  }

  /** A state machine applies each index once, in order (a host that applies early breaks this). */
  applyOrder(node: NodeId, got: number, applied: number): void {
    this.fail('apply-order', `${node} was given entry ${got} to apply after ${applied}`);
  }

  snapshotApplied(node: NodeId, snapshot: Snapshot, hash: number): void {
    const seen = this.committed.get(snapshot.index);
    if (seen && seen.hash !== hash) this.fail('state-machine-safety', `${node} installed snapshot ${snapshot.index} with state ${hash}, committed state is ${seen.hash}`);
  }

  /** Leader completeness: a new leader holds every entry committed so far. */
  leaderComplete(node: SimNode): void {
    const s = node.storage;
    const snapIndex = s.snapshot?.index ?? 0;
    for (let i = 1; i <= this.maxCommitted; i++) {
      const c = this.committed.get(i);
      if (!c) continue;
      if (i < snapIndex) continue;
      if (i === snapIndex) {
        const hash = Number(JSON.parse(s.snapshot!.data).hash);
        if (hash !== c.hash) this.fail('leader-completeness', `${node.id}'s snapshot at ${i} differs from the committed state`);
        continue;
      }
      const e = s.entry(i);
      if (!e || e.term !== c.term || e.data !== c.data) {
        this.fail('leader-completeness', `leader ${node.id} lacks committed entry ${i}@${c.term} (has ${e ? `${e.index}@${e.term}` : 'nothing'})`);
        return;
      }
    }
  }

  /** Log matching: equal (index, term) implies identical logs up to that index. */
  logMatching(nodes: readonly SimNode[]): void {
    for (let a = 0; a < nodes.length; a++) {
      for (let b = a + 1; b < nodes.length; b++) {
        const x = nodes[a]!.storage;
        const y = nodes[b]!.storage;
        const lo = Math.max(x.firstIndex(), y.firstIndex());
        const hi = Math.min(x.lastIndex(), y.lastIndex());
        let agreeing = false;
        for (let i = hi; i >= lo; i--) {
          const ex = x.entry(i)!;
          const ey = y.entry(i)!;
          const same = ex.term === ey.term;
          if (agreeing && (!same || ex.data !== ey.data)) {
            this.fail('log-matching', `${nodes[a]!.id} and ${nodes[b]!.id} agree at a later index but differ at ${i}`);
            return;
          }
          if (same) {
            if (ex.data !== ey.data) {
              this.fail('log-matching', `${nodes[a]!.id} and ${nodes[b]!.id} have different data at ${i}@${ex.term}`);
              return;
            }
            agreeing = true;
          }
        }
      }
    }
  }

  /** A proposal acknowledged to a client must be the committed command at its index, forever. */
  acknowledged(index: number, data: string): void {
    const c = this.committed.get(index);
    if (!c || c.data !== data) this.fail('acknowledged-lost', `acknowledged ${data} at ${index} but committed ${c ? c.data : 'nothing'}`);
  }

  /** ReadIndex: a read's point must cover every write acknowledged before the read began. */
  readServed(node: NodeId, readIndex: number, ackedBeforeInvoke: number): void {
    if (readIndex < ackedBeforeInvoke) this.fail('stale-read', `${node} served a read at ${readIndex} after ${ackedBeforeInvoke} was acknowledged`);
  }

  committedIndex(): number {
    return this.maxCommitted;
  }

  committedEntry(index: number): { term: number; hash: number; data: string } | undefined {
    return this.committed.get(index);
  }
}
