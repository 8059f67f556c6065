import type { EventType, HistoryEvent, Value } from '../../reports/run-files/history-file.ts';
import type { RunClock } from './run-clock.ts';

/**
 * Writes a history in the checker's op model while a workload runs, and hands out process
 * numbers the way Jepsen does: a process has at most one call open; after `ok` or `fail` it
 * may be reused, after `info` never (its call may still take effect), so the next call gets a
 * fresh number.
 */
export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  private readonly idle: number[] = [];
  /** The open call of each busy process: completions repeat its f and key. */
  private readonly open = new Map<number, { readonly f: string; readonly key: string | undefined }>();
  private nextProcess = 0;

  constructor(readonly clock: RunClock) {}

  /**
   * Invokes `f` (on `key`, for keyed workloads) on an idle process (the lowest-numbered) or a
   * new one; returns the process. Workloads may share one recorder: process numbers then stay
   * unique across them and the history is one time-ordered list.
   */
  invoke(f: string, value: Value, key?: string): number {
    const process = this.idle.length > 0 ? this.idle.shift()! : this.nextProcess++;
    this.open.set(process, { f, key });
    this.push(process, 'invoke', f, value, key);
    return process;
  }

  complete(process: number, type: Exclude<EventType, 'invoke'>, value: Value): void {
    const call = this.open.get(process);
    if (call === undefined) throw new Error(`history invariant violated: process ${process} completed without an open call`);
    this.open.delete(process);
    this.push(process, type, call.f, value, call.key);
    if (type !== 'info') {
      // Keep idle processes sorted so reuse is deterministic for a given completion order.
      const at = this.idle.findIndex((p) => p > process);
      if (at === -1) this.idle.push(process); else this.idle.splice(at, 0, process);
    }
  }

  openCalls(): number {
    return this.open.size;
  }

  processesUsed(): number {
    return this.nextProcess;
  }

  private push(process: number, type: EventType, f: string, value: Value, key: string | undefined): void {
    const e: HistoryEvent = { process, type, f, value, timeNs: this.clock.nowNs(), index: this.events.length };
    if (key !== undefined) e.key = key;
    this.events.push(e);
  }
}
