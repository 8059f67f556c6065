import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, IsolatedCircuitError, type CircuitBreakerPolicy } from 'cockatiel';
import { Pool } from 'undici';
import { isLeadershipAnswer } from '../common/outcome-table.ts';
import { authHeader, clusterTlsOptions } from '../common/client-credentials.ts';
import { BatchLink } from './batch-link.ts';
import { NodeUnavailableError } from './errors.ts';

/** What a node answered: its status and parsed JSON body, passed on unchanged when final. */
export interface NodeAnswer {
  readonly status: number;
  readonly body: unknown;
}

export type CircuitName = 'closed' | 'open' | 'half-open' | 'isolated';

export interface NodeClientOptions {
  /** Consecutive failures that open the circuit. */
  readonly breakerFailures: number;
  /** How long an open circuit refuses calls before one probe is let through (half-open). */
  readonly breakerHalfOpenAfterMs: number;
  /** Keep-alive connections per node. */
  readonly connections: number;
}

export const nodeClientDefaults: NodeClientOptions = { breakerFailures: 5, breakerHalfOpenAfterMs: 1000, connections: 64 };

/** Sent on every call so a node of another cluster (a stray port on a shared machine) refuses it. */
export const clusterHeader = 'x-raft-cluster';

/** Every 4xx (421 included) and the leadership 503s are healthy answers; other 5xx count against the circuit. */
function isUnhealthyAnswer(answer: unknown): boolean {
  const a = answer as NodeAnswer;
  if (a.status < 500) return false;
  const code = (a.body as { code?: unknown } | null)?.code;
  return !isLeadershipAnswer(a.status, code);
}

/** Errors that prove the request never left: no connection was made. */
function neverSent(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT';
}

export function circuitName(state: CircuitState): CircuitName {
  switch (state) {
    case CircuitState.Closed: return 'closed';
    case CircuitState.Open: return 'open';
    case CircuitState.HalfOpen: return 'half-open';
    case CircuitState.Isolated: return 'isolated';
  }
}

/**
 * One storage node as the gateway reaches it: a keep-alive undici Pool and a cockatiel
 * circuit breaker that every call (status polls and forwarded client calls alike) goes
 * through, so a status poll is also the half-open probe of a node no client is using.
 */
export class NodeClient {
  private readonly pool: Pool;
  private readonly batchLink: BatchLink;
  private currentBreaker: CircuitBreakerPolicy;
  private readonly breakListeners: (() => void)[] = [];
  /** Forwarded calls in flight, so a leader change can abandon the ones sent to the old leader. */
  private readonly forwarded = new Set<AbortController>();

  constructor(readonly id: string, readonly url: string, options: NodeClientOptions = nodeClientDefaults, private readonly clusterId: string | null = null) {
    this.pool = new Pool(url, { connections: options.connections, pipelining: 1, keepAliveTimeout: 30_000, connect: clusterTlsOptions(url) });
    this.batchLink = new BatchLink(id, url, clusterId ? { [clusterHeader]: clusterId } : {});
    // Abandoned calls say nothing about the node's health: they do not count as failures.
    const policy = handleWhen((err) => err instanceof NodeUnavailableError && err.code !== 'ABANDONED').orWhenResult(isUnhealthyAnswer);
    this.newBreaker = () => {
      const breaker = circuitBreaker(policy, {
        halfOpenAfter: options.breakerHalfOpenAfterMs,
        breaker: new ConsecutiveBreaker(options.breakerFailures),
      });
      breaker.onBreak(() => { for (const l of this.breakListeners) l(); });
      return breaker;
    };
    this.currentBreaker = this.newBreaker();
  }

  private readonly newBreaker: () => CircuitBreakerPolicy;

  get breaker(): CircuitBreakerPolicy {
    return this.currentBreaker;
  }

  get circuit(): CircuitName {
    return circuitName(this.currentBreaker.state);
  }

  /** Called each time this node's circuit opens (whichever breaker instance is current). */
  onBreak(listener: () => void): void {
    this.breakListeners.push(listener);
  }

  /**
   * Asks an open circuit's node for its status directly, past the breaker, and closes the
   * circuit if it answers. For a node just named leader: a node that was restarting opens its
   * circuit from failed polls, and the breaker waits halfOpenAfter before letting a probe
   * through, so writes to a healthy new leader failed for up to a second (docs/perf/2026-11-27-write-path-costs.md).
   * cockatiel has no way to close a
   * breaker by hand, so a fresh closed one replaces it.
   */
  async recheck(timeoutMs: number): Promise<boolean> {
    if (this.circuit !== 'open') return this.circuit !== 'isolated';
    try {
      const answer = await this.send('GET', '/raft/status', undefined, timeoutMs, false);
      if (answer.status !== 200 || this.circuit !== 'open') return false;
      this.currentBreaker = this.newBreaker();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Sends one request and parses the JSON answer. Throws NodeUnavailableError when no answer
   * came (refused, reset, timed out, abandoned, circuit open); any HTTP answer is returned.
   * `forward` calls can be abandoned by `abandonForwarded()`; status polls cannot.
   */
  request(method: 'GET' | 'POST' | 'PUT', path: string, body: string | undefined, timeoutMs: number, forward: boolean): Promise<NodeAnswer> {
    return this.guarded(() => this.send(method, path, body, timeoutMs, forward));
  }

  /**
   * One coalesced batch (`opsJson` is its array of ops) on the node's batch stream, through the
   * circuit breaker like every call. Answers and failures mean what `request` says.
   */
  batch(opsJson: string, timeoutMs: number): Promise<NodeAnswer> {
    return this.guarded(() => this.batchLink.send(opsJson, timeoutMs));
  }

  private async guarded(call: () => Promise<NodeAnswer>): Promise<NodeAnswer> {
    try {
      return await this.currentBreaker.execute(call);
    } catch (err) {
      if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
        throw new NodeUnavailableError(this.id, 'CIRCUIT_OPEN', `circuit to ${this.id} is open`, { cause: err, notSent: true });
      }
      throw err;
    }
  }

  private async send(method: string, path: string, body: string | undefined, timeoutMs: number, forward: boolean): Promise<NodeAnswer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; controller.abort(); }, Math.max(1, timeoutMs));
    if (forward) this.forwarded.add(controller);
    try {
      const res = await this.pool.request({
        method, path, body, signal: controller.signal,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.clusterId ? { [clusterHeader]: this.clusterId } : {}),
          ...authHeader(this.url),
        },
      });
      const text = await res.body.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        parsed = { error: `node ${this.id} answered ${res.statusCode} with a body that is not JSON`, code: 'BAD_NODE_ANSWER' };
      }
      return { status: res.statusCode, body: parsed };
    } catch (err) {
      if (timedOut) throw new NodeUnavailableError(this.id, 'NODE_TIMEOUT', `${this.id} did not answer within ${timeoutMs} ms`, { cause: err });
      if (controller.signal.aborted) throw new NodeUnavailableError(this.id, 'ABANDONED', `call to ${this.id} abandoned: leader changed`, { cause: err });
      throw new NodeUnavailableError(this.id, 'NODE_UNREACHABLE', `${this.id} unreachable: ${(err as Error).message}`, { cause: err, notSent: neverSent(err) });
    } finally {
      clearTimeout(timer);
      if (forward) this.forwarded.delete(controller);
    }
  }

  /** Abandons forwarded calls in flight (they are retried elsewhere with the same ids). */
  abandonForwarded(): void {
    for (const c of this.forwarded) c.abort();
    this.batchLink.abandon();
  }

  async close(): Promise<void> {
    this.abandonForwarded();
    this.batchLink.close();
    await this.pool.destroy();
  }
}
