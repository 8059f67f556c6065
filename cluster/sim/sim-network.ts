import type { Message } from '../raft/messages.ts';
import type { FaultAction } from './fault-plan.ts';
import { drops, type Grudge } from '../common/grudge.ts';
import type { Rng } from '../common/rng.ts';

/** Keeps the last this many messages for `replay` faults to deliver again. */
const historyMax = 1024;

/**
 * The simulated network between hosts: partitions (grudges), loss, duplication, delay that
 * reorders, stragglers that arrive long after their term, and replays of old messages. Every
 * draw comes from the seed's streams; after `heal()` every message arrives within 5 ms.
 */
export class SimNetwork {
  sent = 0;
  dropped = 0;
  private grudge: Grudge = new Map();
  private lossRate = 0;
  private dupRate = 0;
  private straggleRate = 0;
  private replayRate = 0;
  /** A paused or slow leader: what it sends until `untilMs` arrives 50..`extraMsMax` ms late. */
  private readonly slow = new Map<string, { untilMs: number; extraMsMax: number }>();
  private delayMsMax = 5;
  private healed = false;
  private readonly history: Message[] = [];
  private historyNext = 0;

  constructor(
    private readonly rng: Rng,
    /** A separate stream, so sampling the history does not shift the network's own draws. */
    private readonly replayRng: Rng,
    private readonly deliver: (atMs: number, m: Message) => void,
  ) {}

  send(now: number, m: Message): void {
    this.sent++;
    if (!this.healed) this.remember(m);
    if (!this.healed && (this.rng.chance(this.lossRate) || drops(this.grudge, m.from, m.to))) {
      this.dropped++;
      return;
    }
    const slow = this.healed ? undefined : this.slow.get(m.from);
    if (slow && now < slow.untilMs) {
      // Its appends land in the next leader's term, after the followers moved on.
      this.deliver(now + this.replayRng.int(50, slow.extraMsMax), m);
      return;
    }
    this.deliver(now + this.rng.int(1, this.delayMsMax), m);
    if (this.healed) return;
    if (this.rng.chance(this.dupRate)) this.deliver(now + this.rng.int(1, this.delayMsMax * 3), m);
    if (this.straggleRate > 0 && this.replayRng.chance(this.straggleRate)) this.deliver(now + this.replayRng.int(20, 1000), m);
    if (this.replayRate > 0 && this.replayRng.chance(this.replayRate)) {
      // Half of them from an earlier term: what a deposed leader sent (or had dropped) arrives now.
      if (this.replayRng.chance(0.5)) this.replayOlderTerms(now, 1);
      else this.replay(now, 1);
    }
  }

  /** Network faults; false for the kinds that are not the network's. */
  apply(now: number, a: FaultAction): boolean {
    switch (a.kind) {
      case 'partition': this.grudge = a.grudge; return true;
      case 'heal-partition': this.grudge = new Map(); return true;
      case 'loss': this.lossRate = a.rate; return true;
      case 'duplicate': this.dupRate = a.rate; return true;
      case 'delay': this.delayMsMax = a.maxMs; return true;
      case 'straggle': this.straggleRate = a.rate; return true;
      case 'replay': this.replay(now, a.count); return true;
      case 'replay-rate': this.replayRate = a.rate; return true;
      default: return false;
    }
  }

  heal(): void {
    this.healed = true;
    this.grudge = new Map();
    this.lossRate = 0;
    this.dupRate = 0;
    this.straggleRate = 0;
    this.replayRate = 0;
    this.delayMsMax = 5;
  }

  /** Churn's slow leader: its sends until `untilMs` are delayed by 50..extraMsMax ms. */
  slowSender(node: string, untilMs: number, extraMsMax: number): void {
    if (!this.healed) this.slow.set(node, { untilMs, extraMsMax });
  }

  /** Churn's isolation of one leader (replaces the plan's partition until `setGrudge(new Map())`). */
  setGrudge(grudge: Grudge): void {
    if (!this.healed) this.grudge = grudge;
  }

  /** The most recent messages: a replay then mixes the current term's with the one before. */
  private remember(m: Message): void {
    this.history[this.historyNext] = m;
    this.historyNext = (this.historyNext + 1) % historyMax;
  }

  /**
   * Deliver again `count` messages of terms older than the newest one sent (appends dropped by a
   * partition included), 1-200 ms from now: old leaders' traffic reordered into a new term. Half
   * the picks are appends that carry entries, the old messages that can still change a log.
   */
  replayOlderTerms(now: number, count: number): number {
    // Newest first: the last messages of the terms before the newest, where a deposed leader's
    // appends may still match a follower's uncommitted tail.
    const n = this.history.length;
    const byAge: Message[] = [];
    for (let k = 1; k <= n; k++) byAge.push(this.history[(this.historyNext - k + n) % n]!);
    let newest = 0;
    for (const m of byAge) if (m.term > newest) newest = m.term;
    const old = byAge.filter((m) => m.term < newest && !drops(this.grudge, m.from, m.to)).slice(0, 48);
    if (old.length === 0) return 0;
    const appends = byAge.filter((m) => m.term < newest && m.type === 'append' && m.entries.length > 0).slice(0, 48);
    for (let i = 0; i < count; i++) {
      const from = appends.length > 0 && this.replayRng.chance(0.5) ? appends : old;
      // Half land within the new term's first round trips (before followers learn its commits).
      const lateMs = this.replayRng.chance(0.5) ? 20 : 200;
      this.deliver(now + this.replayRng.int(1, lateMs), from[this.replayRng.int(0, from.length - 1)]!);
    }
    return count;
  }

  /** A link cut while a message was on it loses the message (checked again at delivery). */
  cutNow(m: Message): boolean {
    return !this.healed && drops(this.grudge, m.from, m.to);
  }

  private replay(now: number, count: number): void {
    if (this.history.length === 0) return;
    for (let i = 0; i < count; i++) {
      const m = this.history[this.replayRng.int(0, this.history.length - 1)]!;
      if (drops(this.grudge, m.from, m.to)) continue;
      this.deliver(now + this.replayRng.int(1, 50), m);
    }
  }
}
