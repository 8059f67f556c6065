// Open-loop load: requests go out on a fixed schedule whatever the server does, and each one's
// latency counts from when it was scheduled (wrk2's rule), with raw service time beside it.
//
// Why we schedule ourselves instead of autocannon's `overallRate`: docs/perf/2026-11-27-autocannon-open-loop.md.
// autocannon stays in use for closed-loop max-throughput runs (bench/closed-loop.ts), where no
// schedule exists and only service time is reported.
//
// Invariants:
// - Slot i is due at t0 + i·1000/R. Slots are never skipped: a slot that comes due late is sent as
//   soon as possible and its corrected latency still counts from its due time.
// - Every slot that comes due ends exactly once as ok or as one error kind, so
//   scheduled = ok + Σ errors once the run has resolved.
// - In-flight (handed to the pool, not finished) never exceeds maxInFlight; a slot due while at
//   the cap is not sent and ends as `overload`.
// - The run ends by itself: after the last slot, within timeoutMs plus one sweep.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { clusterTlsOptions, withCredentials } from '../cluster/common/client-credentials.ts';
import { z } from 'zod';
import { DeadlineQueue } from './deadline-queue.ts';
import { GeneratorHealth } from './generator-health.ts';
import type { BottleneckBounds } from './generator-health.ts';
import { createLatencyHistogram, recordMs } from '../cluster/common/histograms.ts';
import type { LoadResult } from './load-result.ts';
import { parseOptions } from './options-error.ts';
import { defaultOkStatus } from './request-spec.ts';
import type { OkStatus, RequestBuilder } from './request-spec.ts';
import { SecondSeries } from './series.ts';
import { TrackedRequest } from './tracked-request.ts';
import type { Outcome, RequestTiming } from './tracked-request.ts';

export interface OpenLoopOptions {
  /** Origin, e.g. http://127.0.0.1:8080 */
  target: string;
  rateRps: number;
  durationMs: number;
  connections: number;
  buildRequest: RequestBuilder;
  /** From hand-over to the pool to the end of the response. Default 10 s. */
  timeoutMs?: number;
  /** Default 10,000. */
  maxInFlight?: number;
  okStatus?: OkStatus;
  signal?: AbortSignal;
  /** Monotonic clock in ms; default performance.now. */
  now?: () => number;
  bottleneck?: Partial<BottleneckBounds>;
  /** Called once per slot as it ends, e.g. to write a history. Must be cheap and must not throw. */
  onOutcome?: (timing: RequestTiming, outcome: Outcome) => void;
  /** An https target that wants a client certificate: the CA to trust and our certificate. */
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
  /**
   * GET this path on every connection before the schedule starts (answers not counted), so a
   * TLS handshake is paid once per connection before the clock, as a long-lived client would.
   */
  preconnectPath?: string;
}

const schema = z.object({
  target: z.string().url({ message: 'target must be an origin such as http://127.0.0.1:8080' }),
  rateRps: z.number().positive().max(1_000_000),
  durationMs: z.number().int().positive(),
  connections: z.number().int().min(1).max(10_000),
  buildRequest: z.function(),
  timeoutMs: z.number().positive().default(10_000),
  maxInFlight: z.number().int().min(1).default(10_000),
  okStatus: z.function().optional(),
  signal: z.instanceof(AbortSignal).optional(),
  now: z.function().optional(),
  bottleneck: z.object({ lagMsP99Max: z.number().positive(), cpuPercentMax: z.number().positive() }).partial().optional(),
  onOutcome: z.function().optional(),
});

export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  parseOptions('open-loop', schema, options);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxInFlight = options.maxInFlight ?? 10_000;
  const now = options.now ?? (() => performance.now());
  const isOk = options.okStatus ?? defaultOkStatus;
  const { rateRps, durationMs, connections, buildRequest, signal, onOutcome } = options;
  const intervalMs = 1000 / rateRps;
  const total = Math.floor((durationMs * rateRps) / 1000);
  const sweepMs = Math.min(100, Math.max(5, timeoutMs / 10));

  // The cluster's token rides on every request (cluster/common/client-credentials.ts).
  const pool = withCredentials(new Pool(options.target, {
    connections,
    pipelining: 1,
    // Our own sweep enforces timeoutMs from hand-over; these only back it up.
    headersTimeout: timeoutMs + 1000,
    bodyTimeout: timeoutMs + 1000,
    // Connections are kept alive: one handshake per connection, not per request. A run's own TLS
    // (etcd-tls' client certificate) wins; otherwise the cluster CA when the target is ours.
    connect: options.tls ? { ...options.tls } : clusterTlsOptions(options.target),
  }), options.target);
  const corrected = createLatencyHistogram();
  const raw = createLatencyHistogram();
  const series = new SecondSeries();
  const health = new GeneratorHealth(now, options.bottleneck, true);
  const deadlines = new DeadlineQueue<TrackedRequest>();
  const errors: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  const startedAtEpochMs = Date.now();

  let next = 0;
  let inFlight = 0;
  let sent = 0;
  let ok = 0;
  let lastDispatchMs = 0;
  let lastDoneMs = 0;
  let schedulingDone = false;
  let aborted = false;
  let tickTimer: NodeJS.Timeout | undefined;
  let settle!: (err?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (err) => (err === undefined ? resolve() : reject(err));
  });

  const countError = (kind: string, message: string): void => {
    errors[kind] = (errors[kind] ?? 0) + 1;
    errorSamples[kind] ??= message;
  };

  const finish = (req: TrackedRequest, outcome: Outcome): void => {
    if (req.done) return;
    req.done = true;
    inFlight--;
    const doneMs = now();
    lastDoneMs = doneMs;
    if (outcome.ok) {
      ok++;
      recordMs(corrected, doneMs - req.intendedMs);
      recordMs(raw, doneMs - req.sentMs);
    } else {
      countError(outcome.kind, outcome.message);
    }
    series.finished(req.second, outcome.ok, doneMs - req.intendedMs);
    onOutcome?.({ index: req.index, intendedMs: req.intendedMs, dispatchedMs: req.dispatchedMs, sentMs: req.sentMs, doneMs }, outcome);
    if (schedulingDone && inFlight === 0) settle();
  };

  if (options.preconnectPath !== undefined) {
    // `connections` requests at once make the pool open every connection; failures surface later.
    await Promise.all(Array.from({ length: connections }, () => pool.request({ method: 'GET', path: options.preconnectPath!, signal: AbortSignal.timeout(timeoutMs) })
      .then((r) => r.body.dump(), () => undefined)));
  }
  const t0 = now();
  health.start();

  const sendSlot = (i: number): void => {
    const intendedMs = t0 + i * intervalMs;
    const second = Math.floor(i / rateRps);
    const dispatchedMs = now();
    health.recordLagMs(dispatchedMs - intendedMs);
    series.started(second);
    if (inFlight >= maxInFlight) {
      countError('overload', `in-flight cap ${maxInFlight} reached`);
      series.finished(second, false, 0);
      onOutcome?.({ index: i, intendedMs, dispatchedMs, sentMs: Number.NaN, doneMs: dispatchedMs },
        { ok: false, kind: 'overload', statusCode: null, message: 'in-flight cap reached' });
      return;
    }
    const spec = buildRequest(i);
    const req = new TrackedRequest(i, intendedMs, dispatchedMs, dispatchedMs + timeoutMs, second, now, isOk, finish);
    inFlight++;
    sent++;
    lastDispatchMs = dispatchedMs;
    deadlines.push(req);
    pool.dispatch({ origin: options.target, method: spec.method, path: spec.path, headers: spec.headers, body: spec.body ?? null }, req);
  };

  const tick = (): void => {
    try {
      const due = Math.min(total, Math.floor((now() - t0) / intervalMs) + 1);
      while (next < due && !aborted) sendSlot(next++);
      series.closeBefore(Math.floor(next / rateRps));
      if (next >= total) {
        schedulingDone = true;
        series.closeBefore(Number.MAX_SAFE_INTEGER);
        if (inFlight === 0) settle();
        return;
      }
      // Node rounds sub-millisecond delays up to 1 ms; at high rates each tick sends a small batch.
      tickTimer = setTimeout(tick, Math.max(0, t0 + next * intervalMs - now()));
    } catch (err) {
      settle(err);
    }
  };

  const sweep = setInterval(() => {
    for (const req of deadlines.takeExpired(now())) req.cancel('timeout', `no response within ${timeoutMs} ms`);
  }, sweepMs);

  const onAbort = (): void => {
    aborted = true;
    schedulingDone = true;
    clearTimeout(tickTimer);
    series.closeBefore(Number.MAX_SAFE_INTEGER);
    for (const req of deadlines.pending()) req.cancel('aborted', 'run aborted');
    if (inFlight === 0) settle();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  if (total === 0) { schedulingDone = true; settle(); } else if (!aborted) tick();

  try {
    await finished;
  } finally {
    clearTimeout(tickTimer);
    clearInterval(sweep);
    signal?.removeEventListener('abort', onAbort);
    await pool.destroy().catch(() => undefined);
  }
  const healthReport = health.stop();
  return {
    mode: 'open-loop',
    latencyBasis: 'intended-send-time',
    target: options.target,
    startedAtEpochMs,
    elapsedMs: Math.max(lastDoneMs, lastDispatchMs, t0) - t0,
    durationMs,
    sendWindowMs: Math.max(durationMs, lastDispatchMs - t0),
    targetRateRps: rateRps,
    connections,
    scheduled: next,
    sent,
    ok,
    errors,
    errorSamples,
    corrected,
    raw,
    series: series.rows(),
    health: healthReport,
    aborted,
  };
}
