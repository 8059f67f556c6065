import { Pool } from 'undici';
import type { Histogram } from 'hdr-histogram-js';
import { createLatencyHistogram, recordMs } from '../../bench/histograms.ts';
import type { Rng } from '../../cluster/sim/rng.ts';
import { HistoryRecorder } from './history-recorder.ts';
import { SlotSchedule } from './slot-schedule.ts';
import type { RunClock } from './run-clock.ts';
import { classifyAnswer, classifyError, type WriteCompletion } from './write-outcome.ts';

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

export interface WorkloadCounts {
  readonly invoked: number;
  readonly ok: number;
  readonly fail: number;
  readonly info: number;
  readonly skipped: number;
  readonly processes: number;
}

/**
 * An open-loop log-append writer through the gateway: slot i is due at t0 + i/R whatever the
 * cluster does (wrk2's rule), so a leaderless cluster shows as waiting clients, not as fewer
 * requests. Each write is `POST /api/write` with this run's clientId, requestId = slot number
 * and data that names both; every call is in the history as invoke + ok/fail/info.
 * The latency histogram holds ok writes only, measured from the slot's due time.
 */
export class AppendWorkload {
  readonly history: HistoryRecorder;
  readonly latency: Histogram = createLatencyHistogram();
  private readonly pool: Pool;
  private readonly schedule: SlotSchedule;
  /** This workload's open calls (the recorder may be shared, so its count is not ours). */
  private open = 0;
  private readonly processes = new Set<number>();
  private counts = { invoked: 0, ok: 0, fail: 0, info: 0, skipped: 0 };

  constructor(private readonly o: AppendWorkloadOptions) {
    this.schedule = new SlotSchedule(o.rateRps, () => o.clock.nowEpochMs(), (slot, dueMs) => this.sendSlot(slot, dueMs));
    this.history = o.history ?? new HistoryRecorder(o.clock);
    this.pool = new Pool(o.gatewayUrl, { connections: o.concurrencyMax, pipelining: 1, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs });
  }

  start(): void {
    this.schedule.start();
  }

  /** Stops scheduling and waits for every open call to end (each is bounded by timeoutMs). */
  async stop(): Promise<void> {
    await this.schedule.stop();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.pool.close().catch(() => undefined);
  }

  stats(): WorkloadCounts {
    return { ...this.counts, processes: this.processes.size };
  }

  private sendSlot(slot: number, intendedMs: number): Promise<void> | null {
    if (this.open >= this.o.concurrencyMax) { this.counts.skipped++; return null; }
    const requestId = String(slot);
    const data = { client: this.o.clientId, slot, nonce: Math.floor(this.o.rng.next() * 2 ** 32).toString(16) };
    const process = this.history.invoke('append', requestId);
    this.counts.invoked++;
    this.open++;
    this.processes.add(process);
    return this.call(JSON.stringify({ data, source: 'chaos', clientId: this.o.clientId, requestId }))
      .then((c) => this.finish(process, c, intendedMs));
  }

  private async call(body: string): Promise<WriteCompletion> {
    try {
      const res = await this.pool.request({
        path: '/api/write', method: 'POST', body, headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      const text = await res.body.text();
      let parsed: unknown = null;
      try { parsed = JSON.parse(text); } catch { /* a non-JSON answer is classified by status alone */ }
      return classifyAnswer(res.statusCode, parsed);
    } catch (err) {
      return classifyError(err);
    }
  }

  private finish(process: number, c: WriteCompletion, intendedMs: number): void {
    this.open--;
    this.history.complete(process, c.type, c.value);
    this.counts[c.type]++;
    if (c.type === 'ok') recordMs(this.latency, this.o.clock.nowEpochMs() - intendedMs);
  }
}
