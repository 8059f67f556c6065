// Closed-loop load for maximum-throughput runs: each connection sends its next request as soon as
// the previous one is answered, so the server sets the pace. autocannon drives it; we record into
// our own histograms and vocabulary so both engines return the same LoadResult.
// There is no schedule here, hence no corrected latency: `corrected` is null, `latencyBasis` says
// 'service-time-only', and the series buckets requests by their actual start second.
import { performance } from 'node:perf_hooks';
import { authHeader, clusterTlsOptions } from '../cluster/common/client-credentials.ts';
import autocannon from 'autocannon';
import { z } from 'zod';
import { classifyError, httpErrorKind } from './error-kind.ts';
import type { ErrorKind } from './error-kind.ts';
import { GeneratorHealth } from './generator-health.ts';
import type { BottleneckBounds } from './generator-health.ts';
import { createLatencyHistogram, recordMs } from '../cluster/common/histograms.ts';
import type { LoadResult } from './load-result.ts';
import { parseOptions } from './options-error.ts';
import { defaultOkStatus } from './request-spec.ts';
import type { OkStatus, RequestBuilder } from './request-spec.ts';
import { SecondSeries } from './series.ts';

export interface ClosedLoopOptions {
  target: string;
  connections: number;
  durationMs: number;
  buildRequest: RequestBuilder;
  /** autocannon counts it from the write of the request. Default 10 s. */
  timeoutMs?: number;
  okStatus?: OkStatus;
  signal?: AbortSignal;
  bottleneck?: Partial<BottleneckBounds>;
  /** An https target that wants a client certificate (autocannon does not verify the server). */
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
}

const schema = z.object({
  target: z.string().url({ message: 'target must be an origin such as http://127.0.0.1:8080' }),
  connections: z.number().int().min(1).max(10_000),
  durationMs: z.number().int().min(1000, { message: 'autocannon runs whole seconds; use at least 1000 ms' }),
  buildRequest: z.function(),
  timeoutMs: z.number().int().min(1000, { message: 'autocannon timeouts are whole seconds' }).optional(),
  okStatus: z.function().optional(),
  signal: z.instanceof(AbortSignal).optional(),
  bottleneck: z.object({ lagMsP99Max: z.number().positive(), cpuPercentMax: z.number().positive() }).partial().optional(),
});

function classifyAutocannonError(err: unknown): ErrorKind {
  // autocannon reports its own timeout as a plain Error with this message and no code.
  if (err instanceof Error && err.message === 'request timed out') return 'timeout';
  return classifyError(err);
}

export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  parseOptions('closed-loop', schema, options);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const isOk = options.okStatus ?? defaultOkStatus;
  const { target, connections, durationMs, buildRequest, signal } = options;
  const now = (): number => performance.now();
  const raw = createLatencyHistogram();
  const series = new SecondSeries();
  const health = new GeneratorHealth(now, options.bottleneck, false);
  const errors: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  const startedAtEpochMs = Date.now();
  let index = 0;
  let ok = 0;
  let completed = 0;
  let lastDoneMs = 0;

  const t0 = now();
  health.start();
  const secondOf = (ms: number): number => Math.max(0, Math.floor((ms - t0) / 1000));
  const end = (startMs: number, good: boolean, latencyMs: number): void => {
    const second = secondOf(startMs);
    series.started(second);
    series.finished(second, good, latencyMs);
    // A request can end up to timeoutMs after it started; older seconds are complete.
    series.closeBefore(secondOf(startMs - timeoutMs) - 1);
  };
  const countError = (kind: string, message: string): void => {
    errors[kind] = (errors[kind] ?? 0) + 1;
    errorSamples[kind] ??= message;
  };

  let instance!: autocannon.Instance;
  const auth = authHeader(target);
  const result = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({
      url: target,
      // https to a cluster with client TLS: trust its CA (cluster/common/client-credentials.ts).
      tlsOptions: clusterTlsOptions(target),
      connections,
      pipelining: 1,
      ...(options.tls ? { tlsOptions: { ...options.tls } } : {}),
      duration: durationMs / 1000,
      timeout: Math.ceil(timeoutMs / 1000),
      requests: [{
        setupRequest: (req) => {
          const spec = buildRequest(index++);
          return { ...req, method: spec.method, path: spec.path, headers: { ...auth, ...spec.headers } as Record<string, string>, body: spec.body ?? '' };
        },
      }],
    }, (err, res) => (err ? reject(err) : resolve(res)));
  });
  instance.on('response', (_client, statusCode: number, _bytes: number, responseTimeMs: number) => {
    const doneMs = now();
    lastDoneMs = doneMs;
    completed++;
    const good = isOk(statusCode);
    if (good) { ok++; recordMs(raw, responseTimeMs); } else countError(httpErrorKind(statusCode), `HTTP ${statusCode}`);
    end(doneMs - responseTimeMs, good, responseTimeMs);
  });
  instance.on('reqError', (err: unknown) => {
    const doneMs = now();
    lastDoneMs = doneMs;
    completed++;
    countError(classifyAutocannonError(err), err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err));
    end(doneMs, false, 0);
  });
  let aborted = false;
  const onAbort = (): void => { aborted = true; instance.stop(); };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await result;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  series.closeBefore(Number.MAX_SAFE_INTEGER);
  const elapsedMs = Math.max(lastDoneMs - t0, 0);
  return {
    mode: 'closed-loop',
    latencyBasis: 'service-time-only',
    target,
    startedAtEpochMs,
    elapsedMs,
    durationMs,
    sendWindowMs: Math.max(durationMs, elapsedMs),
    targetRateRps: null,
    connections,
    scheduled: completed,
    sent: completed,
    ok,
    errors,
    errorSamples,
    corrected: null,
    raw,
    series: series.rows(),
    health: health.stop(),
    aborted,
  };
}
