import { RaftNode } from '../raft/raft.ts';
import type { Entry, Message, NodeId, Snapshot } from '../raft/messages.ts';
import type { RaftEvent, Ready, ReadState } from '../raft/ready.ts';
import { ReadyDriver, type PersistOutcome, type ReadySeams } from '../raft/ready-driver.ts';
import { mustSync } from '../storage/raft-storage.ts';
import type { Rng } from '../common/rng.ts';
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
  /** The state machine was asked to apply entry `got` after `applied`: a host ordering bug. */
  outOfOrder(node: SimNode, got: number, applied: number): void;
  /**
   * A synced write began; return false to finish it now, true to leave it in flight until the
   * host calls `finishWrite(seq)`. Meanwhile messages are stepped into the core, as in the real
   * host, and a crash loses the write.
   */
  writeStarted(node: SimNode, seq: number): boolean;
}

/** Builds the Ready loop of one node: the shared driver, or (in tests only) a planted variant. */
export type DriverFactory = (raft: RaftNode, seams: ReadySeams) => ReadyDriver;

export const sharedDriver: DriverFactory = (raft, seams) => new ReadyDriver(raft, seams);

export interface SimNodeOptions {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly rng: Rng;
  readonly snapshotEntries: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxEntriesPerAppend: number;
  readonly maxInflightAppends: number;
  readonly driver?: DriverFactory;
}

/**
 * A simulated host: the node host's own Ready loop (ReadyDriver) over seams that simulate a disk
 * whose synced writes may take simulated time while messages keep arriving, storage that
 * survives `crash()` and a state machine (the hash chain) that does not.
 */
export class SimNode {
  readonly id: NodeId;
  readonly storage = new SimStorage();
  raft: RaftNode | null = null;
  appliedIndex = 0;
  chainHash = 0;
  private driver: ReadyDriver | null = null;
  private snapshotIndex = 0;
  /** A synced write in flight (its batch handed out by ready(), not yet durable). */
  private writing: { readonly rd: Ready; readonly seq: number } | null = null;
  private writeSeq = 0;
  /** Set for one drain: the first write of it is torn by a crash. */
  private tear: Rng | null = null;
  private readonly seams: ReadySeams = {
    storage: { persist: (rd) => this.persist(rd) },
    transport: { send: (messages) => { for (const m of messages) this.hooks.send(m); } },
    stateMachine: {
      restore: (snapshot) => {
        const body = JSON.parse(snapshot.data) as { hash: number };
        this.appliedIndex = snapshot.index;
        this.chainHash = body.hash;
        this.snapshotIndex = snapshot.index;
        this.hooks.snapshotApplied(this, snapshot, this.chainHash);
      },
      apply: (e) => {
        if (e.index !== this.appliedIndex + 1) this.hooks.outOfOrder(this, e.index, this.appliedIndex);
        this.chainHash = chain(this.chainHash, e);
        this.appliedIndex = e.index;
        this.hooks.applied(this, e, this.chainHash);
      },
    },
    observe: (rd) => {
      if (rd.events.length > 0) this.hooks.events(this, rd.events);
      if (rd.readStates.length > 0) this.hooks.readStates(this, rd.readStates);
    },
    afterAdvance: (rd) => this.maybeSnapshot(rd.committedEntries[rd.committedEntries.length - 1]),
  };

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
    this.driver = (this.options.driver ?? sharedDriver)(this.raft, this.seams);
    // The state machine is volatile: rebuild it from the snapshot, then replay via the core.
    this.appliedIndex = s.snapshot?.index ?? 0;
    this.chainHash = s.snapshot ? Number(JSON.parse(s.snapshot.data).hash) : 0;
    this.snapshotIndex = this.appliedIndex;
  }

  crash(): void {
    this.lost = false;
    this.driver?.halt();
    this.driver = null;
    this.raft = null;
    this.writing = null;
    this.storage.loseUnsynced();
  }

  /** Drain every ready batch. `crashRng` set: crash part-way through persisting the first write. */
  process(crashRng: Rng | null = null): void {
    const d = this.driver;
    if (!d || this.writing) return;
    this.tear = crashRng;
    d.drain();
    this.tear = null;
    if (this.lost) this.crash();
  }

  /** A torn write in the last drain: the node crashes once the driver has stopped. */
  private lost = false;

  /** The disk finished write `seq` (a stale one from before a crash is ignored); `crashRng` tears it. */
  finishWrite(seq: number, crashRng: Rng | null): void {
    const w = this.writing;
    const d = this.driver;
    if (!w || w.seq !== seq || !d) return;
    this.writing = null;
    if (!this.storage.persist(w.rd, crashRng)) {
      this.crash();
      return;
    }
    d.persisted();
    this.process();
  }

  /** The storage seam: start the write (left in flight if the disk is slow), or tear it. */
  private persist(rd: Ready): PersistOutcome {
    if (mustSync(this.storage.hardState, rd)) {
      const seq = ++this.writeSeq;
      if (this.hooks.writeStarted(this, seq)) {
        this.writing = { rd, seq };
        return 'later';
      }
    }
    const tear = this.tear;
    this.tear = null;
    if (this.storage.persist(rd, tear)) return undefined;
    this.lost = true;
    return 'lost';
  }

  private maybeSnapshot(last: Entry | undefined): void {
    if (!last || !this.raft || this.appliedIndex - this.snapshotIndex < this.options.snapshotEntries) return;
    const snapshot: Snapshot = { index: last.index, term: last.term, data: JSON.stringify({ hash: this.chainHash }) };
    this.raft.compact(snapshot);
    this.storage.compact(snapshot);
    this.snapshotIndex = last.index;
  }
}
