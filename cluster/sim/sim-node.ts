import { RaftNode } from '../raft/raft.ts';
import type { Entry, Message, NodeId, Snapshot } from '../raft/messages.ts';
import type { RaftEvent, Ready, ReadState } from '../raft/ready.ts';
import { mustSync } from '../storage/raft-storage.ts';
import type { Rng } from './rng.ts';
import { SimStorage } from './sim-storage.ts';

/** Hash chain over applied commands: equal chains at an index mean equal state machines. */
export function chain(prev: number, entry: Entry): number {
  let h = prev ^ entry.index;
  const s = entry.kind === 'noop' ? '' : entry.data;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface HostHooks {
  send(m: Message): void;
  applied(node: SimNode, entry: Entry, chainHash: number): void;
  snapshotApplied(node: SimNode, snapshot: Snapshot, chainHash: number): void;
  events(node: SimNode, events: readonly RaftEvent[]): void;
  readStates(node: SimNode, states: readonly ReadState[]): void;
  /** Called after the batch is durable, before its messages leave (unless they left first). */
  persisted(node: SimNode): void;
  /**
   * A synced write began; return false to finish it now, true to leave it in flight until the
   * host calls `finishWrite(seq)`. Meanwhile messages are stepped into the core, as in the real
   * host, and a crash loses the write.
   */
  writeStarted(node: SimNode, seq: number): boolean;
}

export interface SimNodeOptions {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly rng: Rng;
  readonly snapshotEntries: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxEntriesPerAppend: number;
  readonly maxInflightAppends: number;
}

/**
 * A simulated host: follows the Ready contract exactly as the real node does (persist, then
 * send, or send first when the batch allows it; then apply, then advance), with disk writes that
 * may take simulated time while messages keep arriving, with storage that survives `crash()` and a state machine
 * (the hash chain) that does not.
 */
export class SimNode {
  readonly id: NodeId;
  readonly storage = new SimStorage();
  raft: RaftNode | null = null;
  appliedIndex = 0;
  chainHash = 0;
  private snapshotIndex = 0;
  /** A synced write in flight (its batch handed out by ready(), not yet advanced). */
  private writing: { readonly rd: Ready; readonly seq: number } | null = null;
  private writeSeq = 0;

  constructor(private readonly options: SimNodeOptions, private readonly hooks: HostHooks) {
    this.id = options.id;
    this.start();
  }

  get alive(): boolean {
    return this.raft !== null;
  }

  get writeInFlight(): boolean {
    return this.writing !== null;
  }

  start(): void {
    const s = this.storage;
    this.raft = new RaftNode(
      {
        id: this.id, peers: this.options.peers, random: () => this.options.rng.next(),
        preVote: this.options.preVote, checkQuorum: this.options.checkQuorum,
        maxEntriesPerAppend: this.options.maxEntriesPerAppend, maxInflightAppends: this.options.maxInflightAppends,
      },
      { hardState: s.hardState, snapshot: s.snapshot, entries: s.entries },
    );
    // The state machine is volatile: rebuild it from the snapshot, then replay via the core.
    this.appliedIndex = s.snapshot?.index ?? 0;
    this.chainHash = s.snapshot ? Number(JSON.parse(s.snapshot.data).hash) : 0;
    this.snapshotIndex = this.appliedIndex;
  }

  crash(): void {
    this.raft = null;
    this.writing = null;
    this.storage.loseUnsynced();
  }

  /** Drain every ready batch. `crashRng` set: crash part-way through persisting the first one. */
  process(crashRng: Rng | null = null): void {
    const raft = this.raft;
    if (!raft || this.writing) return;
    while (raft.hasReady()) {
      const rd = raft.ready();
      // Early messages are out before a crash can tear or lose the write: what §10.2.1 must survive.
      if (rd.sendBeforePersist) for (const m of rd.messages) this.hooks.send(m);
      if (mustSync(this.storage.hardState, rd)) {
        const seq = ++this.writeSeq;
        if (this.hooks.writeStarted(this, seq)) {
          this.writing = { rd, seq };
          return;
        }
      }
      if (!this.complete(rd, crashRng)) return;
      crashRng = null;
    }
  }

  /** The disk finished write `seq` (a stale one from before a crash is ignored); `crashRng` tears it. */
  finishWrite(seq: number, crashRng: Rng | null): void {
    const w = this.writing;
    if (!w || w.seq !== seq || !this.raft) return;
    this.writing = null;
    if (this.complete(w.rd, crashRng)) this.process();
  }

  /** Persist, send, apply and advance one batch; false if a torn write crashed the node. */
  private complete(rd: Ready, crashRng: Rng | null): boolean {
    const whole = this.storage.persist(rd, crashRng);
    if (!whole) {
      this.crash();
      return false;
    }
    this.hooks.persisted(this);
    if (!rd.sendBeforePersist) for (const m of rd.messages) this.hooks.send(m);
    if (rd.snapshot) {
      const body = JSON.parse(rd.snapshot.data) as { hash: number };
      this.appliedIndex = rd.snapshot.index;
      this.chainHash = body.hash;
      this.snapshotIndex = rd.snapshot.index;
      this.hooks.snapshotApplied(this, rd.snapshot, this.chainHash);
    }
    for (const e of rd.committedEntries) {
      if (e.index !== this.appliedIndex + 1) throw new Error(`${this.id} applies ${e.index} after ${this.appliedIndex}`);
      this.chainHash = chain(this.chainHash, e);
      this.appliedIndex = e.index;
      this.hooks.applied(this, e, this.chainHash);
    }
    if (rd.events.length > 0) this.hooks.events(this, rd.events);
    if (rd.readStates.length > 0) this.hooks.readStates(this, rd.readStates);
    this.raft!.advance(rd);
    this.maybeSnapshot(rd.committedEntries[rd.committedEntries.length - 1]);
    return true;
  }

  private maybeSnapshot(last: Entry | undefined): void {
    if (!last || !this.raft || this.appliedIndex - this.snapshotIndex < this.options.snapshotEntries) return;
    const snapshot: Snapshot = { index: last.index, term: last.term, data: JSON.stringify({ hash: this.chainHash }) };
    this.raft.compact(snapshot);
    this.storage.compact(snapshot);
    this.snapshotIndex = last.index;
  }
}
