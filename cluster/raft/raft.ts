import { resolveRaftConfig, type RaftConfig, type RaftOptions } from './config.ts';
import { invariant, RaftError } from './errors.ts';
import { RaftLog } from './log.ts';
import type {
  AppendRequest,
  AppendResponse,
  Entry,
  HardState,
  HeartbeatRequest,
  HeartbeatResponse,
  InstallSnapshot,
  Message,
  NodeId,
  Snapshot,
  VoteRequest,
  VoteResponse,
} from './messages.ts';
import { Progress } from './progress.ts';
import { majorityMatch, quorumSize, tallyVotes } from './quorum.ts';
import type { RaftEvent, Ready, ReadState, Role, SoftState } from './ready.ts';
import { ReadOnlyQueue } from './read-only.ts';

/** What the host restores from durable storage at start. */
export interface RestoredState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
  /**
   * This node lost its durable state (a wiped disk) and rejoins a formed cluster: until it holds
   * everything the leader had committed, it grants no votes, never campaigns, and its
   * acknowledgements do not count towards commit (see `catchingUp` below).
   */
  readonly catchingUp?: boolean;
}

export interface ProgressStatus {
  readonly id: NodeId;
  readonly match: number;
  readonly next: number;
  readonly state: Progress['state'];
  readonly inflight: number;
  readonly ticksSinceResponse: number;
}

export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly vote: NodeId | null;
  readonly leader: NodeId | null;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  readonly ticksSinceLeaderContact: number;
  readonly transferee: NodeId | null;
  /** Lost its state and not yet caught up: no vote, no campaign, acks not counted. */
  readonly catchingUp: boolean;
  /** Only on the leader. */
  readonly progress: readonly ProgressStatus[];
}

type StepFn = (m: Message) => void;

/**
 * Raft as a pure, deterministic state machine (after etcd-io/raft's RawNode): the host feeds it
 * ticks, messages and proposals and drains `ready()` batches. Nothing in here touches the
 * clock, the network, the disk or Math.random, so a seed reproduces a simulated run exactly.
 */
export class RaftNode {
  readonly config: RaftConfig;
  readonly id: NodeId;
  private readonly others: readonly NodeId[];
  private readonly log: RaftLog;

  private term: number;
  private vote: NodeId | null;
  private role: Role = 'FOLLOWER';
  private leader: NodeId | null = null;
  private stepRole: StepFn;

  /** Ticks since the last election timeout reset (followers: since the leader was heard). */
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTicks = 0;
  /** Monotonic tick counter, used only for relative ages. */
  private ticks = 0;

  private votes = new Map<NodeId, boolean>();
  private progress = new Map<NodeId, Progress>();
  private transferee: NodeId | null = null;
  private readonly reads = new ReadOnlyQueue();
  /** Reads that arrived before this leader committed an entry of its own term (§8). */
  private readsAwaitingCommit: string[] = [];
  /** Set when entries were appended to the leader's log and must be broadcast in ready(). */
  private appendPending = false;
  /** Between ready() and advance(): the host may still step messages, but not take another batch. */
  private readyOutstanding = false;

  private msgs: Message[] = [];
  private readStates: ReadState[] = [];
  private events: RaftEvent[] = [];
  private prevSoft: SoftState;
  private prevHard: HardState;

  /**
   * Lost-state rule: a node whose disk was wiped may have acknowledged entries it no longer holds,
   * so the majorities that committed them may now lack a copy. Voting or counting towards commit
   * before it holds them again could elect a leader without them. It becomes a voter once its
   * durable log reaches the highest commit index the current term's leader sent it, and an entry
   * of that term (so past the leader's no-op: by Leader Completeness everything committed earlier).
   */
  private catchingUp: boolean;
  private catchUpTerm = -1;
  private catchUpTarget = 0;

  constructor(options: RaftOptions, restored: RestoredState) {
    this.config = resolveRaftConfig(options);
    this.id = this.config.id;
    this.others = this.config.peers.filter((p) => p !== this.id);
    this.log = new RaftLog(restored.snapshot, restored.entries, restored.hardState.commit);
    this.term = restored.hardState.term;
    this.vote = restored.hardState.vote;
    this.catchingUp = restored.catchingUp === true;
    this.stepRole = this.stepFollower;
    this.resetElectionTimer();
    this.prevSoft = this.softState();
    this.prevHard = this.hardState();
  }

  // ---------------------------------------------------------------- inputs

  /** Advance logical time by one tick. */
  tick(): void {
    this.ticks++;
    if (this.role === 'LEADER') this.tickLeader();
    else this.tickElection();
  }

  /** Feed a message from a peer. Messages not addressed to this node, or from strangers, are dropped. */
  step(m: Message): void {
    if (m.to !== this.id || !this.others.includes(m.from)) return;
    if (m.term > this.term) {
      if (!this.acceptHigherTerm(m)) return;
    } else if (m.term < this.term) {
      this.answerLowerTerm(m);
      return;
    }
    switch (m.type) {
      case 'vote':
      case 'prevote':
        this.handleVoteRequest(m);
        return;
      default:
        this.stepRole(m);
    }
  }

  /**
   * Append commands to the leader's log. Returns the index range they took; they are committed
   * only if later applied at those indices with this term.
   */
  propose(commands: readonly string[]): { firstIndex: number; lastIndex: number; term: number } {
    this.assertLeader();
    if (this.transferee !== null) {
      throw new RaftError('TRANSFER_IN_PROGRESS', `leadership is moving to ${this.transferee}`, this.leader);
    }
    if (commands.length === 0) throw new RaftError('INVALID_ARGUMENT', 'propose needs at least one command', this.leader);
    const first = this.log.lastIndex() + 1;
    this.log.append(commands.map((data, i) => ({ index: first + i, term: this.term, kind: 'command', data })));
    this.appendPending = true;
    return { firstIndex: first, lastIndex: first + commands.length - 1, term: this.term };
  }

  /**
   * §6.4 ReadIndex: ask for a linearizable read point. A ReadState {ctx, index} comes out of a
   * later ready() once a majority confirmed this node was still leader after the request.
   */
  readIndex(ctx: string): void {
    this.assertLeader();
    if (this.log.term(this.log.committed) !== this.term) {
      // Until an entry of its own term commits, the leader's commit index may be stale.
      this.readsAwaitingCommit.push(ctx);
      return;
    }
    this.startRead(ctx);
  }

  /** Hand leadership to `target` without waiting for an election timeout (§3.10 of the thesis). */
  transferLeadership(target: NodeId): void {
    this.assertLeader();
    if (target === this.id) return;
    if (!this.others.includes(target)) throw new RaftError('INVALID_ARGUMENT', `unknown node ${target}`, this.leader);
    if (this.transferee === target) return;
    this.transferee = target;
    this.electionElapsed = 0; // the transfer must finish within one election timeout
    this.events.push({ kind: 'transfer', term: this.term, target });
    const pr = this.progress.get(target)!;
    if (pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', to: target });
    else this.sendAppend(target, false);
  }

  /** Start an election now (tests and the host's "campaign" command). */
  campaign(): void {
    if (this.role === 'LEADER' || this.catchingUp) return;
    this.startElection(this.config.preVote ? 'prevote' : 'vote');
  }

  /** The host snapshotted its state machine at snapshot.index (<= applied): compact the log. */
  compact(snapshot: Snapshot): void {
    const before = this.log.snapshot.index;
    this.log.compact(snapshot);
    if (this.log.snapshot.index > before) {
      this.events.push({ kind: 'compacted', index: snapshot.index, term: snapshot.term });
    }
  }

  // ---------------------------------------------------------------- outputs

  hasReady(): boolean {
    if (this.readyOutstanding) return false;
    return (
      this.appendPending ||
      this.msgs.length > 0 ||
      this.readStates.length > 0 ||
      this.events.length > 0 ||
      this.log.pendingSnapshot !== null ||
      this.log.stable < this.log.lastIndex() ||
      this.log.applied < this.log.committed ||
      !sameHard(this.prevHard, this.hardState()) ||
      !sameSoft(this.prevSoft, this.softState())
    );
  }

  /** Collect the next batch of work; see `Ready` for the order the host must follow. */
  ready(): Ready {
    invariant(!this.readyOutstanding, 'ready() called again before advance()');
    this.readyOutstanding = true;
    if (this.appendPending) this.broadcastAppend();
    const soft = this.softState();
    const hard = this.hardState();
    const rd: Ready = {
      softState: sameSoft(this.prevSoft, soft) ? null : soft,
      hardState: sameHard(this.prevHard, hard) ? null : hard,
      snapshot: this.log.pendingSnapshot,
      entries: this.log.unstableEntries(),
      messages: this.msgs,
      sendBeforePersist: this.role === 'LEADER' && hard.term === this.prevHard.term && hard.vote === this.prevHard.vote && this.log.pendingSnapshot === null,
      committedEntries: this.log.pendingSnapshot ? [] : this.log.nextCommitted(this.config.maxApplyEntries),
      readStates: this.readStates,
      events: this.events,
    };
    this.msgs = [];
    this.readStates = [];
    this.events = [];
    this.prevSoft = soft;
    this.prevHard = hard;
    return rd;
  }

  /** The host persisted, sent and applied `rd`. */
  advance(rd: Ready): void {
    this.readyOutstanding = false;
    if (rd.snapshot && this.log.pendingSnapshot === rd.snapshot) this.log.pendingSnapshot = null;
    const last = rd.entries[rd.entries.length - 1];
    if (last) this.log.stableTo(last.index, last.term);
    const applied = rd.committedEntries[rd.committedEntries.length - 1];
    if (applied) this.log.appliedTo(applied.index);
    if (this.catchingUp) this.maybeCaughtUp();
    if (this.role === 'LEADER') {
      // The leader counts its own copy only once it is durable.
      const self = this.progress.get(this.id)!;
      if (self.maybeUpdate(this.log.stable)) this.maybeCommit();
    }
  }

  status(): RaftStatus {
    const progress: ProgressStatus[] = [];
    if (this.role === 'LEADER') {
      for (const [id, pr] of this.progress) {
        if (id === this.id) continue;
        progress.push({
          id, match: pr.match, next: pr.next, state: pr.state, inflight: pr.inflight.length,
          ticksSinceResponse: this.ticks - pr.lastResponseTick,
        });
      }
    }
    return {
      id: this.id, role: this.role, term: this.term, vote: this.vote, leader: this.leader,
      commit: this.log.committed, applied: this.log.applied, lastIndex: this.log.lastIndex(),
      snapshotIndex: this.log.snapshot.index,
      ticksSinceLeaderContact: this.role === 'LEADER' ? 0 : this.electionElapsed,
      transferee: this.transferee, catchingUp: this.catchingUp, progress,
    };
  }

  /** Committed entry or snapshot data, for hosts that serve committed history. */
  committedEntry(index: number): Entry | undefined {
    return index <= this.log.committed ? this.log.entry(index) : undefined;
  }

  // ---------------------------------------------------------------- term rules (§5.1)

  /** Returns false when the message must be ignored instead. */
  private acceptHigherTerm(m: Message): boolean {
    if (m.type === 'vote' || m.type === 'prevote') {
      // With CheckQuorum, a node that heard from a live leader within the minimum election
      // timeout ignores votes: a partitioned node rejoining cannot depose it (§4.2.3 thesis).
      const inLease = this.config.checkQuorum && this.leader !== null && this.electionElapsed < this.config.electionTicksMin;
      if (inLease && !m.transfer) return false;
      if (m.type === 'prevote') return true; // a prevote never changes our term
    }
    if (m.type === 'prevoteResp' && m.granted) return true; // the term is the candidate's future term
    const leader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot' ? m.from : null;
    this.becomeFollower(m.term, leader);
    return true;
  }

  private answerLowerTerm(m: Message): void {
    if ((this.config.checkQuorum || this.config.preVote) && (m.type === 'append' || m.type === 'heartbeat')) {
      // A stale leader (e.g. back from a partition) learns our term from this and steps down;
      // without it, with PreVote no one would ever raise its term past the stale leader's.
      this.send({ type: 'appendResp', to: m.from, success: false, index: 0, hintIndex: 0, hintTerm: 0 });
    } else if (m.type === 'prevote') {
      this.send({ type: 'prevoteResp', to: m.from, granted: false });
    }
  }

  private handleVoteRequest(m: VoteRequest): void {
    const isPre = m.type === 'prevote';
    if (this.catchingUp) {
      // Lost-state rule: our empty or partial log says nothing about what was committed.
      this.sendWithTerm({ type: isPre ? 'prevoteResp' : 'voteResp', to: m.from, granted: false }, this.term);
      return;
    }
    // §5.2 one vote per term; a prevote may be granted for a future term regardless.
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.leader === null) ||
      // §9.6 (thesis): a prevote is refused while we still hear from a live leader, whether or
      // not CheckQuorum is on (with it, acceptHigherTerm already ignored the request).
      (isPre && m.term > this.term && (this.leader === null || this.electionElapsed >= this.config.electionTicksMin));
    const granted = canVote && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
    const respType = isPre ? 'prevoteResp' : 'voteResp';
    if (granted) {
      this.sendWithTerm({ type: respType, to: m.from, granted: true }, m.term);
      if (!isPre) {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.sendWithTerm({ type: respType, to: m.from, granted: false }, this.term);
    }
  }

  // ---------------------------------------------------------------- roles

  private becomeFollower(term: number, leader: NodeId | null): void {
    const wasLeader = this.role === 'LEADER';
    if (term !== this.term) {
      this.term = term;
      this.vote = null;
    }
    this.setRole('FOLLOWER', leader);
    this.stepRole = this.stepFollower;
    this.resetElectionTimer();
    if (wasLeader) this.dropLeaderState('stepped down');
  }

  private becomePreCandidate(): void {
    // Neither term nor vote changes: a prevote round is harmless if it fails (§9.6).
    this.setRole('PRECANDIDATE', null);
    this.stepRole = this.stepCandidate;
    this.votes = new Map();
    this.resetElectionTimer();
  }

  private becomeCandidate(): void {
    this.term += 1;
    this.vote = this.id;
    this.setRole('CANDIDATE', null);
    this.stepRole = this.stepCandidate;
    this.votes = new Map();
    this.resetElectionTimer();
  }

  private becomeLeader(): void {
    invariant(this.role === 'CANDIDATE', 'only a candidate becomes leader');
    this.setRole('LEADER', this.id);
    this.stepRole = this.stepLeader;
    this.transferee = null;
    this.heartbeatElapsed = 0;
    this.electionElapsed = 0;
    this.progress = new Map();
    const next = this.log.lastIndex() + 1;
    for (const id of this.config.peers) {
      const pr = new Progress(next, this.config.maxInflightAppends);
      pr.lastResponseTick = this.ticks;
      this.progress.set(id, pr);
    }
    const self = this.progress.get(this.id)!;
    self.match = this.log.stable;
    self.becomeReplicate();
    self.recentActive = true;
    this.events.push({ kind: 'elected', term: this.term });
    // §5.4.2: a leader commits entries of earlier terms only by committing one of its own.
    this.log.append([{ index: next, term: this.term, kind: 'noop', data: '' }]);
    this.appendPending = true;
  }

  private setRole(role: Role, leader: NodeId | null): void {
    const changed = role !== this.role || leader !== this.leader;
    this.role = role;
    this.leader = leader;
    if (changed) this.events.push({ kind: 'role', role, term: this.term, leader });
  }

  private dropLeaderState(reason: string): void {
    this.events.push({ kind: 'step-down', term: this.term, reason });
    for (const ctx of this.reads.drain()) this.events.push({ kind: 'read-dropped', ctx, reason });
    for (const ctx of this.readsAwaitingCommit) this.events.push({ kind: 'read-dropped', ctx, reason });
    this.readsAwaitingCommit = [];
    this.progress = new Map();
    this.transferee = null;
    this.appendPending = false;
  }

  private startElection(kind: 'prevote' | 'vote', transfer = false): void {
    if (kind === 'prevote') this.becomePreCandidate();
    else this.becomeCandidate();
    const term = kind === 'prevote' ? this.term + 1 : this.term;
    this.events.push({ kind: 'election-start', term, preVote: kind === 'prevote' });
    this.votes.set(this.id, true);
    if (tallyVotes(this.votes, this.config.peers.length) === 'won') {
      this.winElection(kind);
      return;
    }
    for (const to of this.others) {
      this.sendWithTerm(
        { type: kind, to, lastLogIndex: this.log.lastIndex(), lastLogTerm: this.log.lastTerm(), transfer },
        term,
      );
    }
  }

  private winElection(kind: 'prevote' | 'vote'): void {
    if (kind === 'prevote') this.startElection('vote');
    else this.becomeLeader();
  }

  // ---------------------------------------------------------------- timers

  private resetElectionTimer(): void {
    this.electionElapsed = 0;
    const { electionTicksMin: lo, electionTicksMax: hi } = this.config;
    this.randomizedElectionTicks = lo + Math.floor(this.config.random() * (hi - lo));
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.catchingUp) return; // it could not be elected safely, and must not disturb others
    if (this.electionElapsed >= this.randomizedElectionTicks) {
      this.startElection(this.config.preVote ? 'prevote' : 'vote');
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.config.electionTicksMin) {
      this.electionElapsed = 0;
      if (this.config.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, null);
        return;
      }
      if (this.transferee !== null) this.transferee = null; // transfer timed out: keep leading
    }
    if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat(this.reads.lastCtx());
    }
    this.flushCommit();
    this.retryStalledSnapshots();
  }

  /**
   * Followers learn a new commit index with the next append or heartbeat, or at the latest on
   * the leader's next tick, here. Broadcasting an empty append at every commit (etcd's way)
   * doubled the peer messages and follower disk writes per write under load, and on a 2-core
   * host every loopback send costs 100-200 us of the sender's CPU; under load the next append
   * carries the commit a few ms later anyway. Followers only apply later by up to one tick;
   * nothing the leader answers depends on it.
   */
  private flushCommit(): void {
    for (const to of this.others) {
      const pr = this.progress.get(to)!;
      if (pr.state === 'replicate' && pr.commitSent < this.log.committed) this.sendAppend(to, true);
    }
  }

  /** CheckQuorum: did a majority answer since the last check? Resets the marks. */
  private quorumActive(): boolean {
    let active = 0;
    for (const [id, pr] of this.progress) {
      if (id === this.id || pr.recentActive) active++;
      if (id !== this.id) pr.recentActive = false;
    }
    return active >= quorumSize(this.config.peers.length);
  }

  private retryStalledSnapshots(): void {
    for (const [id, pr] of this.progress) {
      if (pr.state === 'snapshot' && this.ticks - pr.snapshotSentTick >= this.config.electionTicksMax) {
        pr.becomeProbe();
        this.sendAppend(id, false);
      }
    }
  }

  // ---------------------------------------------------------------- step functions

  private stepFollower = (m: Message): void => {
    switch (m.type) {
      case 'append':
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleHeartbeat(m);
        return;
      case 'snapshot':
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleSnapshot(m);
        return;
      case 'timeoutNow':
        // Leadership transfer: campaign at once, skipping PreVote and voters' leases.
        if (!this.catchingUp) this.startElection('vote', true);
        return;
      default:
        return; // stale responses from an earlier role
    }
  };

  private stepCandidate = (m: Message): void => {
    switch (m.type) {
      case 'append':
      case 'heartbeat':
      case 'snapshot':
        // Someone won this term (§5.2): follow it.
        this.becomeFollower(this.term, m.from);
        this.stepFollower(m);
        return;
      case 'voteResp':
      case 'prevoteResp': {
        const expected = this.role === 'PRECANDIDATE' ? 'prevoteResp' : 'voteResp';
        if (m.type !== expected) return;
        this.votes.set(m.from, m.granted);
        const outcome = tallyVotes(this.votes, this.config.peers.length);
        if (outcome === 'won') this.winElection(this.role === 'PRECANDIDATE' ? 'prevote' : 'vote');
        else if (outcome === 'lost') this.becomeFollower(this.term, null);
        return;
      }
      default:
        return;
    }
  };

  private stepLeader = (m: Message): void => {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    switch (m.type) {
      case 'appendResp':
        pr.recentActive = true;
        pr.lastResponseTick = this.ticks;
        this.handleAppendResponse(m, pr);
        return;
      case 'heartbeatResp':
        pr.recentActive = true;
        pr.lastResponseTick = this.ticks;
        this.handleHeartbeatResponse(m, pr);
        return;
      default:
        return;
    }
  };

  // ---------------------------------------------------------------- replication (§5.3)

  private handleAppend(m: AppendRequest): void {
    if (this.catchingUp) this.noteCatchUpTarget(m.commit);
    if (m.prevIndex < this.log.committed) {
      // Everything up to our commit is settled; tell the leader where we really are.
      this.send({ type: 'appendResp', to: m.from, success: true, index: this.log.committed, hintIndex: 0, hintTerm: 0 });
      return;
    }
    if (this.log.matchTerm(m.prevIndex, m.prevTerm)) {
      const lastNew = this.log.appendFromLeader(m.prevIndex, m.entries);
      this.log.commitTo(Math.min(m.commit, lastNew));
      this.send({ type: 'appendResp', to: m.from, success: true, index: lastNew, hintIndex: 0, hintTerm: 0 });
      return;
    }
    const hint = this.log.findConflictByTerm(Math.min(m.prevIndex, this.log.lastIndex()), m.prevTerm);
    this.send({ type: 'appendResp', to: m.from, success: false, index: m.prevIndex, hintIndex: hint.index, hintTerm: hint.term });
  }

  private handleHeartbeat(m: HeartbeatRequest): void {
    // The leader sends min(match, commit), so this never commits an entry we have not verified.
    if (m.commit <= this.log.lastIndex()) this.log.commitTo(m.commit);
    this.send({ type: 'heartbeatResp', to: m.from, readCtx: m.readCtx });
  }

  private handleSnapshot(m: InstallSnapshot): void {
    const snap = m.snapshot;
    if (snap.index <= this.log.committed) {
      this.send({ type: 'appendResp', to: m.from, success: true, index: this.log.committed, hintIndex: 0, hintTerm: 0 });
      return;
    }
    if (this.log.matchTerm(snap.index, snap.term)) {
      // We already hold that prefix: just learn the commit.
      this.log.commitTo(snap.index);
    } else {
      this.log.restore(snap);
      this.events.push({ kind: 'snapshot-installed', index: snap.index, term: snap.term });
    }
    // Only the snapshot's prefix is known to match the leader; whatever follows is unverified.
    this.send({ type: 'appendResp', to: m.from, success: true, index: snap.index, hintIndex: 0, hintTerm: 0 });
  }

  private handleAppendResponse(m: AppendResponse, pr: Progress): void {
    if (this.noteCatchingUp(m, pr)) return;
    if (m.catchingUp !== true && m.success) pr.catchingUp = false;
    if (!m.success) {
      // The follower's hint names its last index with term <= our prevTerm; find where our log
      // can agree with that, skipping whole terms at once.
      const agree = this.log.findConflictByTerm(m.hintIndex, m.hintTerm);
      if (pr.maybeDecrTo(m.index, agree.index)) this.sendAppend(m.from, false);
      return;
    }
    const wasSnapshot = pr.state === 'snapshot';
    const wasPaused = pr.paused();
    if (!pr.maybeUpdate(m.index)) {
      if (pr.state === 'replicate' && !pr.paused()) this.sendAppends(m.from, false);
      return;
    }
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (wasSnapshot && pr.match >= pr.pendingSnapshot) {
      pr.becomeProbe();
      pr.becomeReplicate();
    }
    // A new commit index is not broadcast on its own (see flushCommit); a follower that was
    // paused gets an append now, even an empty one, so a probe or a full window moves on.
    this.maybeCommit();
    this.sendAppends(m.from, wasPaused);
    if (m.from === this.transferee && pr.match === this.log.lastIndex()) {
      this.send({ type: 'timeoutNow', to: m.from });
    }
  }

  private handleHeartbeatResponse(m: HeartbeatResponse, pr: Progress): void {
    if (this.noteCatchingUp(m, pr)) return;
    if (pr.state === 'probe') pr.probeSent = false;
    // Lost appends would otherwise leave a full window stuck forever.
    if (pr.state === 'replicate' && pr.paused()) pr.inflight.shift();
    // Send even if there is nothing new past `next`: in replicate state `next` already points
    // past appends that may have been lost, and only a probe at next-1 (rejected if so) makes
    // the follower's gap visible. Without it an idle leader never retries a lost append.
    if (pr.match < this.log.lastIndex()) this.sendAppends(m.from, true);
    if (m.readCtx !== null && !pr.catchingUp) {
      const released = this.reads.ack(m.readCtx, m.from, quorumSize(this.config.peers.length));
      for (const r of released) this.readStates.push(r);
    }
  }

  /** A follower says it lost its state: its match from before is void; replicate from the start. */
  private noteCatchingUp(m: AppendResponse | HeartbeatResponse, pr: Progress): boolean {
    if (m.catchingUp !== true || pr.catchingUp) return false;
    pr.catchingUp = true;
    pr.match = 0;
    pr.commitSent = 0;
    pr.becomeProbe();
    this.sendAppend(m.from, true);
    return true;
  }

  /** §5.3, §5.4.2: advance commit to the majority match, but only via an entry of this term. */
  private maybeCommit(): boolean {
    // A catching-up follower's copy is not counted (lost-state rule), but it stays a voter slot.
    const matches = [...this.progress.values()].map((p) => (p.catchingUp ? 0 : p.match));
    const candidate = majorityMatch(matches);
    if (candidate <= this.log.committed || this.log.term(candidate) !== this.term) return false;
    this.log.commitTo(candidate);
    if (this.readsAwaitingCommit.length > 0) {
      const waiting = this.readsAwaitingCommit;
      this.readsAwaitingCommit = [];
      for (const ctx of waiting) this.startRead(ctx);
    }
    return true;
  }

  private broadcastAppend(): void {
    this.appendPending = false;
    for (const to of this.others) this.sendAppends(to, false);
  }

  /**
   * Send as many appends as flow control allows: in replicate state that fills the window of
   * maxInflightAppends, so a lagging follower is caught up pipelined, not one batch per round trip.
   */
  private sendAppends(to: NodeId, sendIfEmpty: boolean): void {
    if (!this.sendAppend(to, sendIfEmpty)) return;
    const pr = this.progress.get(to)!;
    while (pr.state === 'replicate' && this.sendAppend(to, false)) { /* next append of the window */ }
  }

  /**
   * Send the next batch of entries to `to`, or a snapshot if they were compacted away. An
   * empty append is sent only when asked (to carry a new commit index). Returns whether
   * anything was sent.
   */
  private sendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.progress.get(to)!;
    if (pr.paused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (prevTerm === undefined) {
      this.sendSnapshot(to, pr);
      return true;
    }
    const entries = pr.next <= this.log.lastIndex()
      ? this.log.slice(pr.next, this.log.lastIndex(), this.config.maxEntriesPerAppend, this.config.maxBytesPerAppend)
      : [];
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send({ type: 'append', to, prevIndex, prevTerm, entries, commit: this.log.committed });
    pr.commitSent = Math.max(pr.commitSent, this.log.committed);
    const last = entries[entries.length - 1];
    if (last) pr.sentEntries(last.index);
    else if (pr.state === 'probe') pr.probeSent = true;
    return true;
  }

  private sendSnapshot(to: NodeId, pr: Progress): void {
    const snapshot = this.log.snapshot;
    invariant(snapshot.index > 0, 'a compacted entry implies a snapshot');
    pr.becomeSnapshot(snapshot.index, this.ticks);
    this.send({ type: 'snapshot', to, snapshot });
  }

  private broadcastHeartbeat(readCtx: string | null): void {
    for (const to of this.others) {
      const pr = this.progress.get(to)!;
      const commit = Math.min(pr.match, this.log.committed);
      pr.commitSent = Math.max(pr.commitSent, commit);
      this.send({ type: 'heartbeat', to, commit, readCtx });
    }
  }

  // ---------------------------------------------------------------- reads (§6.4 thesis)

  private startRead(ctx: string): void {
    if (this.config.peers.length === 1) {
      this.readStates.push({ ctx, index: this.log.committed });
      return;
    }
    this.reads.add(ctx, this.log.committed, this.id);
    this.broadcastHeartbeat(ctx);
  }

  // ---------------------------------------------------------------- helpers

  private assertLeader(): void {
    if (this.role !== 'LEADER') {
      throw new RaftError('NOT_LEADER', `node ${this.id} is not the leader`, this.leader);
    }
  }

  private send(m: DistributiveOmit<Message, 'from' | 'term'>): void {
    this.sendWithTerm(m, this.term);
  }

  private sendWithTerm(m: DistributiveOmit<Message, 'from' | 'term'>, term: number): void {
    const flag = this.catchingUp && (m.type === 'appendResp' || m.type === 'heartbeatResp') ? { catchingUp: true } : null;
    this.msgs.push({ ...m, ...flag, from: this.id, term } as Message);
  }

  // ---------------------------------------------------------------- lost state

  /** Every append carries the leader's commit; the target is the highest seen in this term. */
  private noteCatchUpTarget(leaderCommit: number): void {
    if (this.catchUpTerm !== this.term) {
      this.catchUpTerm = this.term;
      this.catchUpTarget = 0;
    }
    this.catchUpTarget = Math.max(this.catchUpTarget, leaderCommit);
  }

  /** Called after a persist: the log up to `stable` is durable. */
  private maybeCaughtUp(): void {
    if (this.catchUpTerm !== this.term || this.role !== 'FOLLOWER' || this.log.pendingSnapshot !== null) return;
    const c = this.log.committed;
    if (c < this.catchUpTarget || this.log.stable < c || this.log.term(c) !== this.term) return;
    this.catchingUp = false;
    this.events.push({ kind: 'caught-up', index: c, term: this.term });
  }

  private softState(): SoftState {
    return { role: this.role, leader: this.leader, term: this.term };
  }

  private hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function sameSoft(a: SoftState, b: SoftState): boolean {
  return a.role === b.role && a.leader === b.leader && a.term === b.term;
}

function sameHard(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
