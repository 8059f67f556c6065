// Helpers for tests: write small histories as (process, f, value) calls with explicit overlap.
import type { HistoryEvent, Value } from '../../reports/run-files/history-ops.ts';

export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];

  private push(process: number, type: HistoryEvent['type'], f: string, value: Value, key?: string): this {
    const e: HistoryEvent = { process, type, f, value, timeNs: this.events.length, index: this.events.length };
    if (key !== undefined) e.key = key;
    this.events.push(e);
    return this;
  }

  invoke(process: number, f: string, value: Value, key?: string): this {
    return this.push(process, 'invoke', f, value, key);
  }

  ok(process: number, f: string, value: Value, key?: string): this {
    return this.push(process, 'ok', f, value, key);
  }

  fail(process: number, f: string, value: Value, key?: string): this {
    return this.push(process, 'fail', f, value, key);
  }

  info(process: number, f: string, key?: string): this {
    return this.push(process, 'info', f, ':timed-out', key);
  }

  /** A call that completes ok before anything else happens. */
  call(process: number, f: string, input: Value, output: Value, key?: string): this {
    return this.invoke(process, f, input, key).ok(process, f, output, key);
  }
}
