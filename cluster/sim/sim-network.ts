import type { Message } from '../raft/messages.ts';
import type { FaultAction } from './fault-plan.ts';
import { drops, type Grudge } from '../common/grudge.ts';
import type { Rng } from '../common/rng.ts';

/** Keeps the last this many messages for `replay` faults to deliver again. */
const historyMax = 256;

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
    this.deliver(now + this.rng.int(1, this.delayMsMax), m);
    if (this.healed) return;
    if (this.rng.chance(this.dupRate)) this.deliver(now + this.rng.int(1, this.delayMsMax * 3), m);
    if (this.straggleRate > 0 && this.replayRng.chance(this.straggleRate)) this.deliver(now + this.replayRng.int(20, 1000), m);
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
      default: return false;
    }
  }

  heal(): void {
    this.healed = true;
    this.grudge = new Map();
    this.lossRate = 0;
    this.dupRate = 0;
    this.straggleRate = 0;
    this.delayMsMax = 5;
  }

  /** The most recent messages: a replay then mixes the current term's with the one before. */
  private remember(m: Message): void {
    this.history[this.historyNext] = m;
    this.historyNext = (this.historyNext + 1) % historyMax;
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
