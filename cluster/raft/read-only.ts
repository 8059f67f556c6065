import type { NodeId } from './messages.ts';
import type { ReadState } from './ready.ts';

interface PendingRead {
  readonly ctx: string;
  /** The leader's commit index when the read arrived: the read may be served at or after it. */
  readonly index: number;
  readonly acks: Set<NodeId>;
}

/**
 * ReadIndex rounds in arrival order. A majority acknowledging the heartbeat that carried ctx k
 * proves this node was leader after every read up to k arrived, so all of them are released.
 */
export class ReadOnlyQueue {
  private pending: PendingRead[] = [];

  add(ctx: string, index: number, self: NodeId): void {
    this.pending.push({ ctx, index, acks: new Set([self]) });
  }

  ack(ctx: string, from: NodeId, quorum: number): ReadState[] {
    const at = this.pending.findIndex((r) => r.ctx === ctx);
    if (at < 0) return [];
    const read = this.pending[at]!;
    read.acks.add(from);
    if (read.acks.size < quorum) return [];
    const released = this.pending.slice(0, at + 1).map((r) => ({ ctx: r.ctx, index: r.index }));
    this.pending = this.pending.slice(at + 1);
    return released;
  }

  lastCtx(): string | null {
    return this.pending[this.pending.length - 1]?.ctx ?? null;
  }

  /** Leadership lost: these reads can no longer be confirmed. */
  drain(): string[] {
    const ctxs = this.pending.map((r) => r.ctx);
    this.pending = [];
    return ctxs;
  }
}
