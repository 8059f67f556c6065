import type { Dispatcher } from 'undici';
import type { Value } from '../../reports/run-files/history-file.ts';
import type { HistoryRecorder } from './history-recorder.ts';
import { SlotSchedule } from './slot-schedule.ts';
import { classifyError, type WriteCompletion } from './write-outcome.ts';

/** Told of every completed call: its due time, when it went out and when it ended (epoch ms). */
export type CallObserver = (f: string, type: 'ok' | 'fail' | 'info', dueMs: number, sentMs: number, doneMs: number) => void;

export interface WorkloadCounts {
  readonly invoked: number;
  readonly ok: number;
  readonly fail: number;
  readonly info: number;
  readonly skipped: number;
  readonly processes: number;
}

/**
 * What every open-loop workload shares: its slot schedule, the limit on calls open at once
 * (Jepsen's concurrency; a slot due while all are open is skipped and counted), and each call's
 * invoke + ok/fail/info in the history. A workload decides what a slot sends and how its
 * answer is judged.
 */
export abstract class OpenLoopWorkload {
  private readonly schedule: SlotSchedule;
  /** This workload's open calls (the recorder may be shared, so its count is not ours). */
  private open = 0;
  private readonly processes = new Set<number>();
  private readonly counts = { invoked: 0, ok: 0, fail: 0, info: 0, skipped: 0 };
  private observer: CallObserver | null = null;

  constructor(rateRps: number, nowMs: () => number, readonly history: HistoryRecorder, private readonly openMax: number) {
    // sendSlot runs only after start(), when the subclass's fields are set.
    this.schedule = new SlotSchedule(rateRps, nowMs, (slot, dueMs) => this.sendSlot(slot, dueMs));
  }

  /** Sends slot `slot`, due at `dueMs`, through `track`; null when it was skipped. */
  protected abstract sendSlot(slot: number, dueMs: number): Promise<void> | null;
  /** Releases the workload's connections. */
  protected abstract closePools(): Promise<void>;

  /** One observer (the run's metrics); it must be cheap and must not throw. */
  onCall(observer: CallObserver): void {
    this.observer = observer;
  }

  start(): void {
    this.schedule.start();
  }

  /** Stops scheduling and waits for every open call to end (each is bounded by its timeout). */
  async stop(): Promise<void> {
    await this.schedule.stop();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.closePools();
  }

  stats(): WorkloadCounts {
    return { ...this.counts, processes: this.processes.size };
  }

  /** False (and the slot counted as skipped) when every call is open. */
  protected hasRoom(): boolean {
    if (this.open < this.openMax) return true;
    this.counts.skipped++;
    return false;
  }

  /** Records the call as invoked (as `process`), and its completion when `call` settles. */
  protected track(f: string, input: Value, key: string | undefined, call: (process: number) => Promise<WriteCompletion>, dueMs?: number): Promise<WriteCompletion> {
    const sentMs = this.history.clock.nowEpochMs();
    const process = this.history.invoke(f, input, key);
    this.processes.add(process);
    this.counts.invoked++;
    this.open++;
    return call(process).then((c) => {
      this.open--;
      this.history.complete(process, c.type, c.value);
      this.counts[c.type]++;
      this.observer?.(f, c.type, dueMs ?? sentMs, sentMs, this.history.clock.nowEpochMs());
      return c;
    });
  }
}

/**
 * One request with the call's deadline, its answer judged by `classify` (status and the JSON
 * body, or null when the body is not JSON); no answer at all is judged by classifyError.
 */
export async function requestAndClassify(
  pool: Dispatcher,
  request: { readonly path: string; readonly method: Dispatcher.HttpMethod; readonly body?: string },
  timeoutMs: number,
  classify: (status: number, body: unknown) => WriteCompletion,
): Promise<WriteCompletion> {
  try {
    const res = await pool.request({ ...request, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.body.text();
    let parsed: unknown = null;
    try { parsed = JSON.parse(text); } catch { /* a non-JSON answer is classified by status alone */ }
    return classify(res.statusCode, parsed);
  } catch (err) {
    return classifyError(err);
  }
}
