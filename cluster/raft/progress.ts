/**
 * The leader's view of one follower (§5.3 nextIndex/matchIndex), plus the flow-control state
 * that makes replication pipelined but bounded:
 * - probe: we do not know where the logs agree; one append at a time until one succeeds;
 * - replicate: logs agree up to `match`; appends are sent optimistically, up to
 *   maxInflight unacknowledged messages (no stop-and-wait);
 * - snapshot: the follower needs entries we compacted; wait until the snapshot lands.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** In probe state: an append is outstanding, don't send another until a response or heartbeat. */
  probeSent = false;
  /** Last index of each in-flight append, oldest first (replicate state). */
  inflight: number[] = [];
  pendingSnapshot = 0;
  snapshotSentTick = 0;
  /** Heard from since the leader's last CheckQuorum round. */
  recentActive = false;
  lastResponseTick = 0;
  /** Highest commit index sent to this follower (append or heartbeat); see Raft.flushCommit. */
  commitSent = 0;
  /** The follower lost its durable state and is catching up: its match does not count for commit. */
  catchingUp = false;

  constructor(next: number, private readonly maxInflight: number) {
    this.next = next;
  }

  becomeProbe(): void {
    // After a snapshot, resume right after it; otherwise from just past what we know matches.
    this.next = this.state === 'snapshot' ? Math.max(this.match + 1, this.pendingSnapshot + 1) : this.match + 1;
    this.state = 'probe';
    this.probeSent = false;
    this.inflight = [];
    this.pendingSnapshot = 0;
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.probeSent = false;
    this.inflight = [];
  }

  becomeSnapshot(index: number, tick: number): void {
    this.state = 'snapshot';
    this.pendingSnapshot = index;
    this.snapshotSentTick = tick;
    this.inflight = [];
  }

  /** A successful append response: returns false if it was stale (nothing new learned). */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (index > this.match) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    if (this.next < index + 1) this.next = index + 1;
    this.inflight = this.inflight.filter((last) => last > index);
    return updated;
  }

  /**
   * A rejection of the append at `rejected`: move next back to just past `hint` (the highest
   * index where the follower's log may still agree). Stale rejections are ignored.
   */
  maybeDecrTo(rejected: number, hint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.becomeProbe();
      this.next = Math.max(this.match + 1, Math.min(hint + 1, rejected));
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(this.match + 1, Math.min(hint + 1, rejected));
    this.probeSent = false;
    return true;
  }

  paused(): boolean {
    switch (this.state) {
      case 'probe': return this.probeSent;
      case 'replicate': return this.inflight.length >= this.maxInflight;
      case 'snapshot': return true;
    }
  }

  sentEntries(last: number): void {
    if (this.state === 'replicate') {
      this.next = last + 1;
      this.inflight.push(last);
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }
}
