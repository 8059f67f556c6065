import { Pool, type Dispatcher } from 'undici';
import { clusterTlsOptions, withCredentials } from '../../cluster/common/client-credentials.ts';
import type { Histogram } from 'hdr-histogram-js';
import { createLatencyHistogram, recordMs } from '../../cluster/common/histograms.ts';
import type { Rng } from '../../cluster/common/rng.ts';
import { HistoryRecorder } from './history-recorder.ts';
import type { RunClock } from './run-clock.ts';
import { OpenLoopWorkload, requestAndClassify } from './workload-calls.ts';
import { classifyAnswer } from './write-outcome.ts';

export type { WorkloadCounts } from './workload-calls.ts';

export interface AppendWorkloadOptions {
  readonly gatewayUrl: string;
  readonly rateRps: number;
  /** Most calls open at once (Jepsen's concurrency); a slot that comes due while all are open is skipped and counted. */
  readonly concurrencyMax: number;
  /** Client-side deadline per call; should exceed the gateway's failover deadline so NO_LEADER can arrive. */
  readonly timeoutMs: number;
  /** Sent with every write; with the requestId it makes each write unique and findable in the logs. */
  readonly clientId: string;
  readonly rng: Rng;
  readonly clock: RunClock;
  /** Shared with other workloads of the run so the history is one list; a new one when absent. */
  readonly history?: HistoryRecorder;
}

/**
 * An open-loop log-append writer through the gateway: slot i is due at t0 + i/R whatever the
 * cluster does (wrk2's rule), so a leaderless cluster shows as waiting clients, not as fewer
 * requests. Each write is `POST /api/write` with this run's clientId, requestId = slot number
 * and data that names both; every call is in the history as invoke + ok/fail/info.
 * The latency histogram holds ok writes only, measured from the slot's due time.
 */
export class AppendWorkload extends OpenLoopWorkload {
  readonly latency: Histogram = createLatencyHistogram();
  private readonly pool: Dispatcher;

  constructor(private readonly o: AppendWorkloadOptions) {
    super(o.rateRps, () => o.clock.nowEpochMs(), o.history ?? new HistoryRecorder(o.clock), o.concurrencyMax);
    this.pool = withCredentials(new Pool(o.gatewayUrl, { connections: o.concurrencyMax, pipelining: 1, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs, connect: clusterTlsOptions(o.gatewayUrl) }), o.gatewayUrl);
  }

  protected async closePools(): Promise<void> {
    await this.pool.close().catch(() => undefined);
  }

  protected sendSlot(slot: number, intendedMs: number): Promise<void> | null {
    if (!this.hasRoom()) return null;
    const requestId = String(slot);
    const data = { client: this.o.clientId, slot, nonce: Math.floor(this.o.rng.next() * 2 ** 32).toString(16) };
    const body = JSON.stringify({ data, source: 'chaos', clientId: this.o.clientId, requestId });
    return this.track('append', requestId, undefined, () => requestAndClassify(this.pool, { path: '/api/write', method: 'POST', body }, this.o.timeoutMs, classifyAnswer), intendedMs)
      .then((c) => { if (c.type === 'ok') recordMs(this.latency, this.o.clock.nowEpochMs() - intendedMs); });
  }
}
