import { Pool, type Dispatcher } from 'undici';
import { clusterTlsOptions, withCredentials } from '../../cluster/common/client-credentials.ts';
import type { Rng } from '../../cluster/common/rng.ts';
import type { Value } from '../../reports/run-files/history-file.ts';
import type { HistoryRecorder } from './history-recorder.ts';
import { classifyRegisterAnswer, type RegisterF } from './register-outcome.ts';
import { OpenLoopWorkload, requestAndClassify } from './workload-calls.ts';
import type { WriteCompletion } from './write-outcome.ts';

export interface RegisterWorkloadOptions {
  readonly gatewayUrl: string;
  /** Ops per second, open loop: slot i is due at t0 + i/R. */
  readonly rateRps: number;
  /** Calls open at once (Jepsen's concurrency); a slot due while all are busy is skipped and counted. */
  readonly clients: number;
  /** The registers, each starting as nil: names no earlier run can have written (the run's clientId is in them). */
  readonly keys: readonly string[];
  /** Client-side deadline per call; should exceed the gateway's failover deadline. */
  readonly timeoutMs: number;
  /** Sent with every write and cas, so a retry inside the gateway is applied once. */
  readonly clientId: string;
  readonly rng: Rng;
  readonly history: HistoryRecorder;
  /**
   * UNSAFE, for the checker's demo: reads go `?stale=true` straight to these nodes in turn, so
   * a follower or a deposed leader answers from its own copy. Not linearizable by design.
   */
  readonly staleReadNodes?: readonly { readonly id: string; readonly url: string }[];
  /**
   * Clients pinned to nodes (Jepsen's per-node clients): call i (slot i) talks to node i mod N
   * directly, never through the gateway, and follows a 421 NOT_LEADER hint once, as a real
   * client would. Reads stay linearizable requests; a node cut off on the minority side of a
   * partition is still asked, which is how stale-read and deposed-leader bugs become visible.
   */
  readonly pinnedNodes?: readonly { readonly id: string; readonly url: string }[];
  /** Prefix of written values and request ids, so two register workloads of one run never collide. */
  readonly idPrefix?: string;
}

/** Read 40%, write 30%, cas 30%: reads are what catch stale state. */
const readShare = 0.4;
const writeShare = 0.3;

/**
 * A Jepsen-style register workload over a few keys through the gateway: random read, write
 * and cas, every call in the shared history as invoke + ok/fail/info with `key`. Written
 * values are unique in the run (`v<op>`), so any value read names the one call that wrote it.
 * A cas expects the last value this workload saw on that key (nil at first), so some swap and
 * some do not. Outcomes are judged per function by register-outcome.ts.
 */
export class RegisterWorkload extends OpenLoopWorkload {
  private readonly gateway: Dispatcher;
  private readonly nodePools: Dispatcher[];
  private readonly pinned: Dispatcher[];
  private readonly pool: (url: string) => Dispatcher;
  private readonly lastSeen = new Map<string, string | null>();
  private staleTurn = 0;

  constructor(private readonly o: RegisterWorkloadOptions) {
    if (!(o.clients >= 1) || o.keys.length === 0) throw new RangeError('a register workload needs at least one client and one key');
    super(o.rateRps, () => o.history.clock.nowEpochMs(), o.history, o.clients);
    this.pool = (url: string) => withCredentials(new Pool(url, { connections: o.clients, pipelining: 1, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs, connect: clusterTlsOptions(url) }), url);
    this.gateway = this.pool(o.gatewayUrl);
    this.nodePools = (o.staleReadNodes ?? []).map((n) => this.pool(n.url));
    this.pinned = (o.pinnedNodes ?? []).map((n) => this.pool(n.url));
  }

  protected async closePools(): Promise<void> {
    await Promise.all([this.gateway, ...this.nodePools, ...this.pinned].map((p) => p.close().catch(() => undefined)));
  }

  protected sendSlot(slot: number, dueMs: number): Promise<void> | null {
    // The draws happen for skipped slots too, so a seed fixes the op sequence whatever the cluster does.
    const key = this.o.rng.pick(this.o.keys);
    const roll = this.o.rng.next();
    if (!this.hasRoom()) return null;
    const f: RegisterF = roll < readShare ? 'read' : roll < readShare + writeShare ? 'write' : 'cas';
    const value = `${this.o.idPrefix ?? 'v'}${slot}`;
    const input: Value = f === 'read' ? null : f === 'write' ? value : [this.lastSeen.get(key) ?? null, value];
    return this.track(f, input, key, () => this.call(f, key, input, String(slot)), dueMs).then((c) => {
      if (c.type === 'ok') this.observe(f, key, input, c.value);
    });
  }

  /** Remembers the latest value this workload knows on a key, for the next cas to expect. */
  private observe(f: RegisterF, key: string, input: Value, output: Value): void {
    if (f === 'read') this.lastSeen.set(key, output as string | null);
    else if (f === 'write') this.lastSeen.set(key, input as string);
    else if (output === true) this.lastSeen.set(key, (input as readonly Value[])[1] as string);
  }

  private call(f: RegisterF, key: string, input: Value, slot: string): Promise<WriteCompletion> {
    const path = `/api/kv/${encodeURIComponent(key)}`;
    const ids = { clientId: this.o.clientId, requestId: `${this.o.idPrefix ? `${this.o.idPrefix}-` : 'reg-'}${slot}` };
    // Pinned: slot i goes to node i mod N. Not by process number: the recorder reuses the lowest
    // idle process, so while one node hung, every new call went to the same live node and the
    // hung node got one late call per pause instead of its share.
    let pool = this.pinned.length > 0 ? this.pinned[Number(slot) % this.pinned.length]! : this.gateway;
    let request: { path: string; method: 'GET' | 'PUT' | 'POST'; body?: string };
    if (f === 'read') {
      if (this.nodePools.length > 0) {
        pool = this.nodePools[this.staleTurn++ % this.nodePools.length]!;
        request = { path: `${path}?stale=true`, method: 'GET' };
      } else {
        request = { path, method: 'GET' };
      }
    } else if (f === 'write') {
      request = { path, method: 'PUT', body: JSON.stringify({ value: input, ...ids }) };
    } else {
      const [expect, value] = input as readonly Value[];
      request = { path: `${path}/cas`, method: 'POST', body: JSON.stringify({ expect, value, ...ids }) };
    }
    const classify = (status: number, body: unknown) => classifyRegisterAnswer(f, input, status, body);
    if (this.pinned.length === 0) return requestAndClassify(pool, request, this.o.timeoutMs, classify);
    return this.callFollowingHint(pool, request, classify);
  }

  /**
   * A pinned client's call: its own node first; a 421 that names another member's URL is retried
   * there once (the node refused before proposing, so the retry cannot apply the call twice). A
   * hint naming anything but a member is not followed: a peer's answer is not trusted.
   */
  private async callFollowingHint(
    pool: Dispatcher, request: { path: string; method: 'GET' | 'PUT' | 'POST'; body?: string },
    classify: (status: number, body: unknown) => WriteCompletion,
  ): Promise<WriteCompletion> {
    let hint: string | null = null;
    const first = await requestAndClassify(pool, request, this.o.timeoutMs, (status, body) => {
      const b = body as { code?: unknown; leaderUrl?: unknown } | null;
      if (status === 421 && typeof b?.leaderUrl === 'string') hint = b.leaderUrl;
      return classify(status, body);
    });
    const at = hint === null ? -1 : (this.o.pinnedNodes ?? []).findIndex((n) => sameOrigin(n.url, hint!));
    if (at < 0 || this.pinned[at] === pool) return first;
    return requestAndClassify(this.pinned[at]!, request, this.o.timeoutMs, classify);
  }
}

function sameOrigin(a: string, b: string): boolean {
  try { return new URL(a).origin === new URL(b).origin; } catch { return false; }
}
