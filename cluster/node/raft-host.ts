import type { RaftConfig } from '../raft/config.ts';
import { RaftError } from '../raft/errors.ts';
import type { Entry, Message, NodeId, Snapshot } from '../raft/messages.ts';
import { RaftNode, type RaftStatus } from '../raft/raft.ts';
import type { RaftEvent, Ready } from '../raft/ready.ts';
import { ReadyDriver, type ReadySeams } from '../raft/ready-driver.ts';
import type { RaftStorage } from '../storage/raft-storage.ts';
import { piecedSnapshot, snapshotChars } from '../storage/snapshot-text.ts';
import { AppendRoundTrips } from './append-round-trips.ts';
import type { AuditLog } from '../auth/audit-log.ts';
import { NodeError } from './errors.ts';
import { SnapshotPolicy } from './snapshot-policy.ts';
import type { NodeMetrics } from './node-metrics.ts';
import { StateMachine, type ApplyOutcome, type Command } from './state-machine.ts';

/** The core's settings the host passes through, plus what the host itself needs. */
type CoreSettings = Pick<RaftConfig, 'id' | 'peers' | 'electionTicksMin' | 'electionTicksMax' | 'heartbeatTicks' | 'preVote' | 'checkQuorum' | 'maxInflightAppends' | 'maxEntriesPerAppend'>;

export interface RaftHostOptions extends CoreSettings {
  readonly tickMs: number;
  readonly snapshotEntries: number;
  /** Extra entries before this node's first snapshot, so nodes do not all snapshot at one index. */
  readonly snapshotOffsetEntries: number;
  /** Log characters applied since the last snapshot must reach this times its characters (config.ts). */
  readonly snapshotLogRatio: number;
  readonly requestTimeoutMs: number;
  readonly storage: RaftStorage;
  /** Given, not created: the host applies committed entries to it and snapshots it. */
  readonly stateMachine: StateMachine;
  readonly send: (messages: readonly Message[]) => void;
  readonly audit: AuditLog;
  readonly metrics: NodeMetrics;
  readonly clock: () => number;
  readonly random: () => number;
  /** Storage failed: the process must stop rather than run on with state it cannot persist. */
  readonly onFatal: (err: unknown) => void;
  /** This node lost its state and rejoins a formed cluster (node-identity.ts): see RestoredState.catchingUp. */
  readonly catchingUp?: boolean;
  /** Every core event, after the batch that carried it was persisted (node identity bookkeeping). */
  readonly onRaftEvent?: (ev: RaftEvent) => void;
}

/** A gap between ticks longer than this is audited as a loop stall (half the shortest election timeout). */
const loopStallMsMin = 75;

/**
 * Pause between snapshot pieces, so a snapshot does not hold a core (docs/perf/2026-11-28-snapshot-pacing.md).
 */
const snapshotPieceGapMs = 1;

interface PendingProposal {
  readonly term: number;
  readonly startedMs: number;
  resolve(outcome: ApplyOutcome): void;
  reject(err: NodeError): void;
}

interface ReadWaiter {
  resolve(): void;
  reject(err: NodeError): void;
}

/**
 * The IO around the pure core: a timer feeds ticks, the transport feeds messages, clients feed
 * proposals and reads; one loop drains ready batches in the order the core requires
 * (persist -> send -> apply -> advance; a settled leader sends first, ready.ts says when).
 * Inputs that arrive while a batch is being persisted wait in the core and go out in the next
 * batch, so one fsync covers everything that queued up behind it (group commit without a timer).
 */
export class RaftHost {
  readonly id: NodeId;
  readonly sm: StateMachine;
  private raft!: RaftNode;
  /** The shared Ready loop (ready-driver.ts), over this host's storage, transport and state machine. */
  private driver: ReadyDriver | null = null;
  /** One clock reading per applied batch, taken at its first answered proposal. */
  private applyClockMs: number | null = null;
  private persistStartedMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private scheduled = false;
  private stopped = false;
  private readonly pending = new Map<number, PendingProposal>();
  /** Reads that arrived since the last ReadIndex round started: they share the next one. */
  private readBatch: ReadWaiter[] = [];
  private readonly readsByCtx = new Map<string, ReadWaiter[]>();
  /** Reads whose read point is known, waiting for the state machine to reach it. */
  private readsAwaitingApply: { index: number; waiters: ReadWaiter[] }[] = [];
  private readSeq = 0;
  private snapshotIndex = 0;
  private snapshotPolicy!: SnapshotPolicy;
  /** A snapshot being serialised in the background, and one ready to compact the log with. */
  private snapshotTask: Promise<void> | null = null;
  private readyCompaction: Snapshot | null = null;
  private snapshotWrite: Promise<void> | null = null;
  private lastLeaderContactMs: number;
  private readonly appendRoundTrips = new AppendRoundTrips();

  constructor(private readonly o: RaftHostOptions) {
    this.id = o.id;
    this.sm = o.stateMachine;
    this.lastLeaderContactMs = o.clock();
    o.metrics.statusSource = () => (this.raft === undefined ? null : { ...this.raft.status(), applied: this.sm.appliedIndex });
  }

  async start(): Promise<void> {
    const restored = await this.o.storage.load();
    if (restored.snapshot) this.sm.restore(restored.snapshot.data);
    this.snapshotIndex = restored.snapshot?.index ?? 0;
    this.snapshotPolicy = new SnapshotPolicy(
      { entries: this.o.snapshotEntries, offsetEntries: this.o.snapshotOffsetEntries, logRatio: this.o.snapshotLogRatio },
      restored.snapshot ? snapshotChars(restored.snapshot) : 0,
    );
    const { id, peers, electionTicksMin, electionTicksMax, heartbeatTicks, preVote, checkQuorum, maxInflightAppends, maxEntriesPerAppend, random } = this.o;
    this.raft = new RaftNode(
      { id, peers, random, electionTicksMin, electionTicksMax, heartbeatTicks, preVote, checkQuorum, maxInflightAppends, maxEntriesPerAppend },
      { ...restored, catchingUp: this.o.catchingUp === true },
    );
    this.driver = new ReadyDriver(this.raft, this.seams);
    this.o.audit.record('started', {
      term: restored.hardState.term, commit: restored.hardState.commit,
      snapshotIndex: this.snapshotIndex, lastIndex: this.snapshotIndex + restored.entries.length,
    });
    let lastTickMs = performance.now();
    this.timer = setInterval(() => {
      // A late tick means the event loop was blocked: heartbeats stopped for that long, which
      // is how a busy leader loses an election. Recorded so the audit log can say why.
      const now = performance.now();
      if (now - lastTickMs > loopStallMsMin) this.o.audit.record('loop-stall', { ms: Math.round(now - lastTickMs) });
      lastTickMs = now;
      this.raft.tick();
      this.schedule();
    }, this.o.tickMs);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.driver?.halt();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.failAll(new NodeError('SHUTTING_DOWN', `node ${this.id} is shutting down`));
    while (this.running) await new Promise((r) => setTimeout(r, 5));
    await this.snapshotWrite?.catch(() => undefined);
    await this.o.storage.close();
  }

  /** Messages from a peer. */
  step(messages: readonly Message[]): void {
    if (this.stopped) return;
    for (const m of messages) {
      if (m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot') this.lastLeaderContactMs = this.o.clock();
      const rttMs = this.appendRoundTrips.received(m, performance.now());
      if (rttMs !== null) this.o.metrics.appendRpcSeconds.observe({ peer: m.from }, rttMs / 1000);
      this.raft.step(m);
    }
    this.schedule();
  }

  /** Propose commands as one batch; each promise settles when its entry is applied (or lost). */
  propose(commands: readonly Command[]): Promise<ApplyOutcome>[] {
    if (this.stopped) throw new NodeError('SHUTTING_DOWN', `node ${this.id} is shutting down`);
    let range: { firstIndex: number; term: number };
    try {
      range = this.raft.propose(commands.map((c) => StateMachine.encode(c)));
    } catch (err) {
      throw this.translate(err);
    }
    const started = this.o.clock();
    const out = commands.map((_, i) => new Promise<ApplyOutcome>((resolve, reject) => {
      this.pending.set(range.firstIndex + i, { term: range.term, startedMs: started, resolve, reject });
    }));
    this.schedule();
    return out.map((p) => this.withTimeout(p, 'commit'));
  }

  /** A linearizable read barrier (ReadIndex): resolves once this leader may serve the read. */
  readBarrier(): Promise<void> {
    if (this.stopped) return Promise.reject(new NodeError('SHUTTING_DOWN', `node ${this.id} is shutting down`));
    const st = this.raft.status();
    if (st.role !== 'LEADER') return Promise.reject(this.notLeader(st.leader));
    const p = new Promise<void>((resolve, reject) => this.readBatch.push({ resolve, reject }));
    this.schedule();
    return this.withTimeout(p, 'read');
  }

  transferLeadership(target: NodeId): void {
    try {
      this.raft.transferLeadership(target);
    } catch (err) {
      throw this.translate(err);
    }
    this.schedule();
  }

  status(): RaftStatus {
    return this.raft.status();
  }

  msSinceLeaderContact(): number {
    return this.raft.status().role === 'LEADER' ? 0 : this.o.clock() - this.lastLeaderContactMs;
  }

  committedEntry(index: number): Entry | undefined {
    return this.raft.committedEntry(index);
  }

  notLeader(leader: NodeId | null): NodeError {
    return new NodeError('NOT_LEADER', `node ${this.id} is not the leader${leader ? `; try ${leader}` : ''}`, { leader });
  }

  // ------------------------------------------------------------------ the loop

  private schedule(): void {
    if (this.scheduled || this.running || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      this.startReadRound();
      this.compactIfReady();
      // One await per batch that writes; batches with nothing to write finish synchronously.
      for (let w = this.driver!.drain(); w !== undefined; w = this.driver!.drain()) await w;
    } catch (err) {
      this.fatal(err);
    } finally {
      this.running = false;
    }
  }

  private sendAll(messages: readonly Message[]): void {
    if (messages.length === 0) return;
    this.appendRoundTrips.sent(messages, performance.now());
    this.o.send(messages);
  }

  private fatal(err: unknown): void {
    if (this.stopped && !this.timer) return;
    this.stopped = true;
    this.driver?.halt();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.failAll(new NodeError('SHUTTING_DOWN', `node ${this.id} hit a storage failure`));
    this.o.onFatal(err);
  }

  /**
   * The driver's seams. A leader's appends leave before its own fdatasync when the batch allows
   * (ready.ts), so followers write while it does; clients are answered as their entry is applied.
   */
  private readonly seams: ReadySeams = {
    storage: { persist: (rd) => this.persist(rd) },
    transport: { send: (messages) => this.sendAll(messages) },
    stateMachine: {
      restore: (snapshot) => {
        this.sm.restore(snapshot.data);
        this.snapshotIndex = snapshot.index;
        this.snapshotPolicy.installed(snapshotChars(snapshot));
        this.o.metrics.snapshotsTotal.inc({ kind: 'installed' });
      },
      apply: (e) => this.applyEntry(e),
    },
    observe: (rd) => this.observe(rd),
    afterAdvance: () => {
      this.compactIfReady();
      this.maybeStartSnapshot();
      this.startReadRound();
    },
  };

  private readonly recordFsync = (synced: boolean): void => {
    // Only batches the storage syncs: a commit-only write is not an fsync (raft-storage.ts).
    if (synced) this.o.metrics.fsyncSeconds.observe((performance.now() - this.persistStartedMs) / 1000);
  };

  private persist(rd: Ready): Promise<void> | undefined {
    if (!rd.hardState && rd.entries.length === 0 && !rd.snapshot) return undefined;
    this.persistStartedMs = performance.now();
    return this.o.storage.persist(rd).then(this.recordFsync);
  }

  private applyEntry(e: Entry): void {
    this.snapshotPolicy.applied(e.data.length);
    const outcome = this.sm.apply(e);
    const p = this.pending.get(e.index);
    if (!p) return;
    this.pending.delete(e.index);
    if (p.term === e.term) {
      const now = this.applyClockMs ??= this.o.clock();
      this.o.metrics.proposeCommitSeconds.observe((now - p.startedMs) / 1000);
      this.o.metrics.writesTotal.inc();
      p.resolve(outcome);
    } else {
      // Another leader's entry took this index: ours was never committed anywhere.
      p.reject(new NodeError('PROPOSAL_DROPPED', `proposal at ${e.index} was replaced by a newer leader's entry`));
    }
  }

  private observe(rd: Ready): void {
    this.applyClockMs = null;
    for (const rs of rd.readStates) {
      const waiters = this.readsByCtx.get(rs.ctx);
      if (!waiters) continue;
      this.readsByCtx.delete(rs.ctx);
      this.readsAwaitingApply.push({ index: rs.index, waiters });
    }
    this.releaseReads();
    for (const ev of rd.events) this.onEvent(ev);
  }

  private releaseReads(): void {
    if (this.readsAwaitingApply.length === 0) return;
    const applied = this.sm.appliedIndex;
    const still: typeof this.readsAwaitingApply = [];
    for (const r of this.readsAwaitingApply) {
      if (r.index <= applied) for (const w of r.waiters) w.resolve();
      else still.push(r);
    }
    this.readsAwaitingApply = still;
  }

  private startReadRound(): void {
    if (this.readBatch.length === 0) return;
    const waiters = this.readBatch;
    this.readBatch = [];
    const ctx = `${this.id}-${++this.readSeq}`;
    try {
      this.raft.readIndex(ctx);
      this.readsByCtx.set(ctx, waiters);
    } catch (err) {
      const e = this.translate(err);
      for (const w of waiters) w.reject(e);
    }
  }

  private onEvent(ev: RaftEvent): void {
    const m = this.o.metrics;
    switch (ev.kind) {
      case 'election-start':
        if (!ev.preVote) m.electionsTotal.inc();
        break;
      case 'elected':
        m.leaderElections.inc({ node: this.id });
        break;
      case 'step-down':
        this.appendRoundTrips.clear();
        // Pending proposals may still commit under the next leader: their outcome is unknown.
        this.failPending(new NodeError('LEADERSHIP_LOST', `node ${this.id} stepped down (${ev.reason}); outcome unknown`));
        break;
      case 'read-dropped': {
        const waiters = this.readsByCtx.get(ev.ctx);
        this.readsByCtx.delete(ev.ctx);
        for (const w of waiters ?? []) w.reject(new NodeError('LEADERSHIP_LOST', `node ${this.id} lost leadership before the read was confirmed`));
        break;
      }
      default:
        break;
    }
    this.o.audit.record(ev.kind, { ...ev });
    this.o.onRaftEvent?.(ev);
  }

  /**
   * Serialise the state machine in the background, pausing between chunks (snapshotPieceGapMs) so
   * ticks, heartbeats and commits go on; the log is compacted later at a safe point in the loop.
   */
  private maybeStartSnapshot(): void {
    if (this.snapshotTask || this.readyCompaction || this.snapshotWrite) return;
    const applied = this.sm.appliedIndex;
    if (!this.snapshotPolicy.due(applied - this.snapshotIndex)) return;
    const term = this.raft.committedEntry(applied)?.term;
    if (term === undefined) return;
    this.snapshotPolicy.started();
    const chunks = this.sm.snapshotChunks();
    const parts: string[] = [chunks.next().value as string]; // captures the state at `applied` now
    const started = performance.now();
    this.snapshotTask = (async () => {
      for (let r = chunks.next(); !r.done; r = chunks.next()) {
        parts.push(r.value);
        await new Promise((resolve) => setTimeout(resolve, snapshotPieceGapMs));
      }
      // Kept in pieces: storage writes them one by one (snapshot-text.ts says why).
      this.readyCompaction = piecedSnapshot(applied, term, parts);
      const chars = snapshotChars(this.readyCompaction);
      this.snapshotPolicy.sized(chars);
      this.o.audit.record('snapshot-serialized', { index: applied, bytes: chars, ms: Math.round(performance.now() - started) });
      this.schedule();
    })().finally(() => { this.snapshotTask = null; });
  }

  /**
   * Compact the core's log now; the storage writes the snapshot file in the background. The loop
   * must not wait for that write: while it waits no heartbeat leaves, and a 20 MB write plus
   * fsync is longer than the followers' election timeout (measured: an election at 73k entries).
   * The storage lets log appends issued meanwhile go ahead of the big write.
   */
  private compactIfReady(): void {
    const snapshot = this.readyCompaction;
    if (!snapshot || this.stopped) return;
    this.readyCompaction = null;
    // An InstallSnapshot may have overtaken it; the core and storage ignore an older snapshot.
    this.raft.compact(snapshot);
    this.snapshotIndex = Math.max(this.snapshotIndex, snapshot.index);
    this.snapshotWrite = this.o.storage.compact(snapshot).then(
      () => { this.o.metrics.snapshotsTotal.inc({ kind: 'taken' }); },
      (err: unknown) => { this.fatal(err); },
    ).finally(() => { this.snapshotWrite = null; });
  }

  // ------------------------------------------------------------------ helpers

  private translate(err: unknown): NodeError {
    if (err instanceof NodeError) return err;
    if (err instanceof RaftError) {
      if (err.code === 'NOT_LEADER') return this.notLeader(err.leader);
      if (err.code === 'TRANSFER_IN_PROGRESS') return new NodeError('TRANSFER_IN_PROGRESS', err.message);
      return new NodeError('BAD_REQUEST', err.message);
    }
    throw err;
  }

  private withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new NodeError('TIMEOUT', `${what} not confirmed within ${this.o.requestTimeoutMs} ms; outcome unknown`)),
        this.o.requestTimeoutMs,
      );
      p.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e); });
    });
  }

  private failPending(err: NodeError): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private failAll(err: NodeError): void {
    this.failPending(err);
    for (const w of this.readBatch) w.reject(err);
    this.readBatch = [];
    for (const ws of this.readsByCtx.values()) for (const w of ws) w.reject(err);
    this.readsByCtx.clear();
    for (const r of this.readsAwaitingApply) for (const w of r.waiters) w.reject(err);
    this.readsAwaitingApply = [];
  }
}
