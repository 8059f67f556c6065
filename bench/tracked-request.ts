// One request of a run as an undici dispatch handler. It records when undici actually wrote it to
// a connection (onRequestStart runs just before the write, after any wait in the pool's queue),
// which is what separates service time from time spent queued behind a busy server.
import type { Dispatcher } from 'undici';
import { classifyError, httpErrorKind } from './error-kind.ts';
import type { ErrorKind } from './error-kind.ts';
import type { Expirable } from './deadline-queue.ts';

export type Outcome =
  | { ok: true; statusCode: number }
  | { ok: false; kind: ErrorKind; statusCode: number | null; message: string };

export interface RequestTiming {
  index: number;
  /** Monotonic ms; for closed-loop use equal to dispatchedMs. */
  intendedMs: number;
  dispatchedMs: number;
  /** NaN if the request never reached a connection. */
  sentMs: number;
  doneMs: number;
}

export type FinishFn = (req: TrackedRequest, outcome: Outcome) => void;

export class TrackedRequest implements Dispatcher.DispatchHandler, Expirable {
  sentMs = Number.NaN;
  done = false;
  #controller: Dispatcher.DispatchController | null = null;
  #statusCode = 0;

  constructor(
    readonly index: number,
    readonly intendedMs: number,
    readonly dispatchedMs: number,
    readonly deadlineMs: number,
    readonly second: number,
    private readonly now: () => number,
    private readonly isOk: (statusCode: number) => boolean,
    private readonly finish: FinishFn,
  ) {}

  /** Ends the request from outside (timeout, abort): the outcome is final, the socket is dropped. */
  cancel(kind: 'timeout' | 'aborted', message: string): void {
    if (this.done) return;
    this.finish(this, { ok: false, kind, statusCode: null, message });
    this.#controller?.abort(new Error(message));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Cancelled while still queued in the pool: do not send it now.
    if (this.done) { controller.abort(new Error('cancelled before send')); return; }
    this.#controller = controller;
    this.sentMs = this.now();
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number): void {
    this.#statusCode = statusCode;
  }

  onResponseData(): void { /* body is drained and discarded */ }

  onResponseEnd(): void {
    if (this.done) return;
    const statusCode = this.#statusCode;
    this.finish(this, this.isOk(statusCode)
      ? { ok: true, statusCode }
      : { ok: false, kind: httpErrorKind(statusCode), statusCode, message: `HTTP ${statusCode}` });
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (this.done) return;
    this.finish(this, { ok: false, kind: classifyError(err), statusCode: null, message: `${(err as { code?: string }).code ?? err.name}: ${err.message}` });
  }
}
