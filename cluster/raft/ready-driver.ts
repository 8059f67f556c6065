import type { Entry, Message, Snapshot } from './messages.ts';
import type { RaftNode } from './raft.ts';
import type { Ready } from './ready.ts';

/**
 * How a batch's write ended: `undefined` durable now; a promise, durable when it resolves (a
 * rejection is a storage failure); 'later', the owner calls `persisted()` when the disk is done;
 * 'lost', a crash tore the write, so nothing of the batch may follow (no send, apply or advance).
 */
export type PersistOutcome = undefined | 'later' | 'lost' | PromiseLike<unknown>;

/** Durable state: snapshot, entries (an entry at i replaces i and everything after), hard state. */
export interface ReadyStorage {
  /** Write the batch's snapshot, entries and hard state and sync them (ready.ts step 1). */
  persist(rd: Ready): PersistOutcome;
}

export interface ReadyTransport {
  /** Hand messages to the network; `beforePersist` says they left ahead of their batch's write. */
  send(messages: readonly Message[], beforePersist: boolean): void;
}

/** The replicated state machine as the driver sees it; clients waiting on an entry are answered in `apply`. */
export interface ReadyStateMachine {
  /** Replace the whole state with an installed snapshot (before any of the batch's entries). */
  restore(snapshot: Snapshot): void;
  /** Apply one committed entry; entries arrive once each, in index order. */
  apply(entry: Entry): void;
}

/** The seams one driver runs over: what the host (real, simulated, test or bench) is given. */
export interface ReadySeams {
  readonly storage: ReadyStorage;
  readonly transport: ReadyTransport;
  readonly stateMachine: ReadyStateMachine;
  /** After the batch's entries are applied, before advance: its read states and events. */
  readonly observe?: (rd: Ready) => void;
  /** After advance: the owner's work between batches (compaction, read rounds, checks). */
  readonly afterAdvance?: (rd: Ready) => void;
}

/**
 * The one loop that drives the core's Ready, in etcd's node.go order (ready.ts): send first only
 * when the batch allows it; persist and sync; send; apply the snapshot, then the committed
 * entries; observe; advance. One batch at a time: a batch whose write is pending stops the loop,
 * so every later batch's messages wait for this batch's write. No IO of its own and no await
 * while writes finish synchronously (simulator, tests, core bench); the node host awaits the
 * promise `drain()` returns, once per asynchronous write.
 */
export class ReadyDriver {
  private inFlight: Ready | null = null;
  private halted = false;
  /** Bound once: finishing a pending write allocates nothing per batch. */
  private readonly finishInFlight = (): void => this.persisted();

  constructor(readonly raft: RaftNode, protected readonly seams: ReadySeams) {}

  /** A batch's write is pending: messages stepped in now go out with a later batch. */
  get writeInFlight(): boolean {
    return this.inFlight !== null;
  }

  /** Stop taking new batches (shutdown, crash, storage failure); a pending write still finishes. */
  halt(): void {
    this.halted = true;
  }

  /**
   * Handle ready batches until the core has none, a write is pending ('later': returns undefined,
   * see `writeInFlight`; asynchronous: returns the promise after which to call drain again) or
   * a write was lost.
   */
  drain(): Promise<void> | undefined {
    while (this.inFlight === null && !this.halted && this.raft.hasReady()) {
      const rd = this.raft.ready();
      if (rd.sendBeforePersist) this.send(rd, true);
      const w = this.persist(rd);
      if (w === undefined) {
        this.finish(rd);
        continue;
      }
      if (w === 'lost') {
        this.halted = true;
        return undefined;
      }
      this.inFlight = rd;
      if (w === 'later') return undefined;
      return Promise.resolve(w).then(this.finishInFlight);
    }
    return undefined;
  }

  /** The pending write is durable: finish its batch (then call drain for the next one). */
  persisted(): void {
    const rd = this.inFlight;
    if (rd === null) return;
    this.inFlight = null;
    this.finish(rd);
  }

  /** The steps after the write, overridable only so tests can plant ordering bugs. */
  protected persist(rd: Ready): PersistOutcome {
    return this.seams.storage.persist(rd);
  }

  protected send(rd: Ready, beforePersist: boolean): void {
    if (rd.messages.length > 0) this.seams.transport.send(rd.messages, beforePersist);
  }

  protected finish(rd: Ready): void {
    if (!rd.sendBeforePersist) this.send(rd, false);
    this.apply(rd);
    this.seams.observe?.(rd);
    this.raft.advance(rd);
    this.seams.afterAdvance?.(rd);
  }

  protected apply(rd: Ready): void {
    const sm = this.seams.stateMachine;
    if (rd.snapshot) sm.restore(rd.snapshot);
    const committed = rd.committedEntries;
    for (let i = 0; i < committed.length; i++) sm.apply(committed[i]!);
  }
}
