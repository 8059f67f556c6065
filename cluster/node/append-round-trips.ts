import type { Message, NodeId } from '../raft/messages.ts';

/**
 * Leader-side replication latency per peer: from an append leaving this node to the follower's
 * success response for its last entry, which includes the follower's fsync and both network
 * legs. Replaces a transport-level round trip now that peer batches are not answered one by one.
 */
export class AppendRoundTrips {
  private readonly pending = new Map<NodeId, { index: number; atMs: number }[]>();
  /** Bounded per peer: an unresponsive follower must not grow this. */
  private readonly perPeerMax = 256;

  sent(messages: readonly Message[], nowMs: number): void {
    for (const m of messages) {
      if (m.type !== 'append' || m.entries.length === 0) continue;
      let list = this.pending.get(m.to);
      if (!list) this.pending.set(m.to, (list = []));
      list.push({ index: m.prevIndex + m.entries.length, atMs: nowMs });
      if (list.length > this.perPeerMax) list.shift();
    }
  }

  /** The round trip this response completes, in ms, or null. */
  received(m: Message, nowMs: number): number | null {
    if (m.type !== 'appendResp' || !m.success) return null;
    const list = this.pending.get(m.from);
    if (!list || list.length === 0) return null;
    let n = 0;
    let rtt: number | null = null;
    while (n < list.length && list[n]!.index <= m.index) {
      if (list[n]!.index === m.index) rtt = nowMs - list[n]!.atMs;
      n++;
    }
    list.splice(0, n);
    return rtt;
  }

  /** A new term or role: outstanding appends will never be answered as sent. */
  clear(): void {
    this.pending.clear();
  }
}
