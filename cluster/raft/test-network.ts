// A small deterministic in-memory harness for the core's unit tests (the randomized simulator
// lives in cluster/sim/). Messages wait in one FIFO queue until a test delivers them, so a test
// can hold, reorder, duplicate or drop any of them. Every host follows the Ready contract
// literally, and two safety checks run on every batch: one leader per term, and one entry per
// applied index across the cluster.
import assert from 'node:assert/strict';
import type { RaftOptions } from './config.ts';
import type { Entry, HardState, Message, MessageType, NodeId, Snapshot } from './messages.ts';
import { RaftNode, type RestoredState } from './raft.ts';
import type { RaftEvent, Ready, ReadState } from './ready.ts';
import { ReadyDriver, type ReadySeams } from './ready-driver.ts';
import { seededRandom } from '../common/rng.ts';

export type Tuning = Partial<Omit<RaftOptions, 'id' | 'peers' | 'random'>>;

/** What survives a crash: exactly what the host persisted from Ready batches. */
export interface Storage {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

export class TestHost {
  raft: RaftNode;
  /** The shared Ready loop over this host's seams; rebuilt with the core on restart. */
  driver: ReadyDriver;
  /** Set by the network: where sent messages and per-batch checks go. */
  seams: Pick<ReadySeams, 'transport' | 'afterAdvance'> = { transport: { send: () => {} } };
  readonly storage: Storage;
  /** The state machine: command payloads in apply order (a snapshot replaces it wholesale). */
  applied: string[] = [];
  appliedIndex = 0;
  readStates: ReadState[] = [];
  events: RaftEvent[] = [];
  readies: Ready[] = [];

  constructor(readonly id: NodeId, private readonly options: RaftOptions, restored: RestoredState) {
    this.storage = { hardState: restored.hardState, snapshot: restored.snapshot, entries: [...restored.entries] };
    this.raft = new RaftNode(options, restored);
    this.driver = this.makeDriver();
    if (restored.snapshot) {
      this.applied = JSON.parse(restored.snapshot.data) as string[];
      this.appliedIndex = restored.snapshot.index;
    }
  }

  /** Crash and restart from storage; volatile state (and the state machine) is rebuilt. */
  restart(): void {
    const { hardState, snapshot, entries } = this.storage;
    this.raft = new RaftNode(this.options, { hardState, snapshot, entries: [...entries] });
    this.driver = this.makeDriver();
    this.applied = snapshot ? (JSON.parse(snapshot.data) as string[]) : [];
    this.appliedIndex = snapshot?.index ?? 0;
  }

  /** Lose the disk and restart empty; `catchingUp` as the host would decide (node-identity.ts). */
  wipe(catchingUp: boolean): void {
    this.storage.hardState = { term: 0, vote: null, commit: 0 };
    this.storage.snapshot = null;
    this.storage.entries = [];
    this.raft = new RaftNode(this.options, { hardState: this.storage.hardState, snapshot: null, entries: [], catchingUp });
    this.driver = this.makeDriver();
    this.applied = [];
    this.appliedIndex = 0;
  }

  private makeDriver(): ReadyDriver {
    return new ReadyDriver(this.raft, {
      storage: { persist: (rd) => { this.readies.push(rd); this.persist(rd); return undefined; } },
      transport: { send: (messages, beforePersist) => this.seams.transport.send(messages, beforePersist) },
      stateMachine: {
        restore: (snapshot) => {
          this.applied = JSON.parse(snapshot.data) as string[];
          this.appliedIndex = snapshot.index;
        },
        apply: (e) => {
          assert.equal(e.index, this.appliedIndex + 1, `${this.id}: applied out of order`);
          if (e.kind === 'command') this.applied.push(e.data);
          this.appliedIndex = e.index;
        },
      },
      observe: (rd) => {
        this.readStates.push(...rd.readStates);
        this.events.push(...rd.events);
      },
      afterAdvance: (rd) => this.seams.afterAdvance?.(rd),
    });
  }

  persist(rd: Ready): void {
    if (rd.snapshot) {
      this.storage.snapshot = rd.snapshot;
      this.storage.entries = []; // the core discards its whole log on InstallSnapshot
    }
    const first = rd.entries[0];
    if (first) {
      // Overwrite rule: an entry at i replaces the stored entry at i and everything after it.
      const kept = this.storage.entries.filter((e) => e.index < first.index);
      const base = this.storage.snapshot?.index ?? 0;
      assert.equal(first.index, base + kept.length + 1, `${this.id}: persisting ${first.index} leaves a gap`);
      this.storage.entries = [...kept, ...rd.entries];
    }
    if (rd.hardState) this.storage.hardState = rd.hardState;
  }

  /** Take a state-machine snapshot at the applied index and let the core compact its log. */
  compact(): Snapshot {
    const index = this.appliedIndex;
    const term = this.storage.entries.find((e) => e.index === index)?.term;
    assert.ok(term !== undefined, `${this.id}: no stored entry at ${index}`);
    const snapshot: Snapshot = { index, term, data: JSON.stringify(this.applied) };
    this.raft.compact(snapshot);
    this.storage.snapshot = snapshot;
    this.storage.entries = this.storage.entries.filter((e) => e.index > index);
    return snapshot;
  }
}

export interface NetworkOptions {
  seed?: number;
  tuning?: Tuning;
  restored?: Partial<Record<NodeId, RestoredState>>;
}

export const emptyState: RestoredState = { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] };

/** Entries from a list of terms, starting at index 1: `log(1, 1, 2)`. */
export function log(...terms: number[]): Entry[] {
  return terms.map((term, i) => ({ index: i + 1, term, kind: 'command', data: `e${i + 1}t${term}` }));
}

export class TestNetwork {
  readonly hosts = new Map<NodeId, TestHost>();
  queue: Message[] = [];
  /** Every message any host sent, in order, including ones later dropped. */
  readonly sent: Message[] = [];
  /** Called as a message joins the queue: after its batch is persisted, or before if the batch allowed. */
  onSend: ((from: TestHost, m: Message, beforePersist: boolean) => void) | null = null;
  private readonly blocked = new Set<string>();
  private drops: ((m: Message) => boolean)[] = [];
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly entryAt = new Map<number, string>();

  constructor(readonly ids: readonly NodeId[], options: NetworkOptions = {}) {
    const seed = options.seed ?? 1;
    ids.forEach((id, i) => {
      const raftOptions: RaftOptions = { ...options.tuning, id, peers: ids, random: seededRandom(seed * 1000 + i) };
      const h = new TestHost(id, raftOptions, options.restored?.[id] ?? emptyState);
      h.seams = {
        transport: { send: (messages, beforePersist) => this.enqueueSent(h, messages, beforePersist) },
        afterAdvance: (rd) => this.checkSafety(h, rd),
      };
      this.hosts.set(id, h);
    });
  }

  host(id: NodeId): TestHost {
    const h = this.hosts.get(id);
    assert.ok(h, `no node ${id}`);
    return h;
  }

  node(id: NodeId): RaftNode {
    return this.host(id).raft;
  }

  // ------------------------------------------------------------ host loop

  /** Run one node's host loop (the shared ReadyDriver) until it has nothing ready. */
  process(id: NodeId): void {
    this.host(id).driver.drain();
  }

  private enqueueSent(h: TestHost, messages: readonly Message[], beforePersist: boolean): void {
    for (const m of messages) {
      this.onSend?.(h, m, beforePersist);
      this.sent.push(m);
      this.queue.push(m);
    }
  }

  processAll(): void {
    for (const id of this.ids) this.process(id);
  }

  private checkSafety(h: TestHost, rd: Ready): void {
    const s = h.raft.status();
    if (s.role === 'LEADER') {
      const other = this.leaderOfTerm.get(s.term);
      assert.ok(other === undefined || other === h.id, `two leaders in term ${s.term}: ${other} and ${h.id}`);
      this.leaderOfTerm.set(s.term, h.id);
    }
    for (const e of rd.committedEntries) {
      const key = `${e.term}/${e.kind}/${e.data}`;
      const seen = this.entryAt.get(e.index);
      assert.ok(seen === undefined || seen === key, `index ${e.index} applied as ${seen} and as ${key} (${h.id})`);
      this.entryAt.set(e.index, key);
    }
  }

  // ------------------------------------------------------------ delivery

  private deliverable(m: Message): boolean {
    return !this.blocked.has(`${m.from}>${m.to}`) && !this.drops.some((d) => d(m));
  }

  /** Deliver (or drop, if a fault says so) the queued message at `at`. */
  deliverAt(at: number): Message | undefined {
    const [m] = this.queue.splice(at, 1);
    if (m && this.deliverable(m)) {
      this.host(m.to).raft.step(m);
      this.process(m.to);
    }
    return m;
  }

  /** Deliver every currently queued message matching `pred`, once, in order; others stay queued. */
  deliverWhere(pred: (m: Message) => boolean): number {
    const picked = this.queue.filter(pred);
    this.queue = this.queue.filter((m) => !pred(m));
    for (const m of picked) {
      if (!this.deliverable(m)) continue;
      this.host(m.to).raft.step(m);
      this.process(m.to);
    }
    return picked.length;
  }

  /** Remove queued messages matching `pred` without delivering them. */
  discard(pred: (m: Message) => boolean): Message[] {
    const gone = this.queue.filter(pred);
    this.queue = this.queue.filter((m) => !pred(m));
    return gone;
  }

  /** Deliver until no message is in flight and no node has work. */
  stabilize(maxMessages = 100_000): void {
    this.processAll();
    let n = 0;
    while (this.queue.length > 0) {
      assert.ok(n++ < maxMessages, 'network did not quiesce');
      this.deliverAt(0);
    }
  }

  /**
   * Stabilize, then tick each leader once and stabilize again: followers learn a new commit
   * index only with the next append, heartbeat or leader tick (Raft.flushCommit), so this is
   * the point where every follower has applied what the leader committed.
   */
  settle(): void {
    this.stabilize();
    for (const id of this.ids) {
      if (this.node(id).status().role !== 'LEADER') continue;
      this.node(id).tick();
      this.process(id);
    }
    this.stabilize();
  }

  // ------------------------------------------------------------ time

  /** `rounds` times: tick the given nodes once each, then let the network quiesce. */
  tick(rounds = 1, ids: readonly NodeId[] = this.ids): void {
    for (let r = 0; r < rounds; r++) {
      for (const id of ids) {
        this.node(id).tick();
        this.process(id);
      }
      this.stabilize();
    }
  }

  /** Tick until `done()` holds; fails after `maxRounds`. Returns the rounds taken. */
  tickUntil(done: () => boolean, maxRounds = 1000): number {
    for (let r = 0; r <= maxRounds; r++) {
      if (done()) return r;
      if (r < maxRounds) this.tick();
    }
    assert.fail(`condition not reached in ${maxRounds} rounds`);
  }

  // ------------------------------------------------------------ faults (applied at delivery)

  cut(a: NodeId, b: NodeId): void {
    this.blocked.add(`${a}>${b}`);
    this.blocked.add(`${b}>${a}`);
  }

  isolate(a: NodeId): void {
    for (const b of this.ids) if (b !== a) this.cut(a, b);
  }

  drop(what: MessageType | ((m: Message) => boolean)): void {
    this.drops.push(typeof what === 'string' ? (m) => m.type === what : what);
  }

  heal(): void {
    this.blocked.clear();
    this.drops = [];
  }

  // ------------------------------------------------------------ helpers

  /** The leader of the highest term, if any node believes it leads that term. */
  leader(): NodeId | null {
    let best: { id: NodeId; term: number } | null = null;
    for (const id of this.ids) {
      const s = this.node(id).status();
      if (s.role === 'LEADER' && (!best || s.term > best.term)) best = { id, term: s.term };
    }
    return best?.id ?? null;
  }

  /** Make `id` campaign now and deliver everything; asserts it won. */
  elect(id: NodeId): void {
    this.node(id).campaign();
    this.stabilize();
    assert.equal(this.leader(), id, `${id} did not win its election`);
  }

  propose(commands: readonly string[], id: NodeId | null = this.leader()): { firstIndex: number; lastIndex: number; term: number } {
    assert.ok(id, 'no leader to propose to');
    const r = this.node(id).propose(commands);
    this.process(id);
    return r;
  }
}
