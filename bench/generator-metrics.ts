// The load generator as a Prometheus target (Grafana's "Benchmark" dashboard): the rate it
// meant to send, what it sent and what came back, latency corrected from the due time (wrk2's
// rule) beside raw service time, and its own send lag, so a user can tell a slow server from a
// stalled generator while the run goes on. Fed from runOpenLoop's onOutcome, once per slot.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Outcome, RequestTiming } from './tracked-request.ts';

const latencyBucketsS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

export class GeneratorMetrics {
  readonly registry = new Registry();
  private readonly info = new Gauge({ name: 'bench_run_info', help: 'The benchmark in progress (value 1)', labelNames: ['run_id', 'scenario', 'target'], registers: [this.registry] });
  private readonly targetRate = new Gauge({ name: 'bench_target_rate', help: 'Requests per second the schedule asks for', registers: [this.registry] });
  private readonly intended = new Counter({ name: 'bench_requests_intended_total', help: 'Slots that came due (counted as each ends)', registers: [this.registry] });
  private readonly sent = new Counter({ name: 'bench_requests_sent_total', help: 'Slots that reached a connection', registers: [this.registry] });
  private readonly answered = new Counter({ name: 'bench_requests_answered_total', help: 'Slots ended, by outcome (ok or the error kind)', labelNames: ['outcome'], registers: [this.registry] });
  private readonly corrected = new Histogram({ name: 'bench_latency_corrected_seconds', help: 'Due time to answer (coordinated omission corrected)', buckets: latencyBucketsS, registers: [this.registry] });
  private readonly raw = new Histogram({ name: 'bench_latency_raw_seconds', help: 'Sent to answer (service time)', buckets: latencyBucketsS, registers: [this.registry] });
  private readonly sendLag = new Histogram({ name: 'bench_send_lag_seconds', help: 'Due time to sent: the generator\'s own lateness', buckets: latencyBucketsS, registers: [this.registry] });

  constructor() {
    // The generator's CPU beside the cluster's: a saturated generator shows here first.
    collectDefaultMetrics({ register: this.registry });
    this.answered.inc({ outcome: 'ok' }, 0);
  }

  run(runId: string, scenario: string, target: string): void {
    this.info.set({ run_id: runId, scenario, target }, 1);
  }

  rate(rps: number): void {
    this.targetRate.set(rps);
  }

  /** runOpenLoop's onOutcome: cheap, never throws. */
  readonly onOutcome = (t: RequestTiming, outcome: Outcome): void => {
    this.intended.inc();
    const wasSent = !Number.isNaN(t.sentMs);
    if (wasSent) {
      this.sent.inc();
      this.sendLag.observe(Math.max(0, t.sentMs - t.intendedMs) / 1000);
    }
    this.answered.inc({ outcome: outcome.ok ? 'ok' : outcome.kind });
    if (outcome.ok) {
      this.corrected.observe((t.doneMs - t.intendedMs) / 1000);
      if (wasSent) this.raw.observe((t.doneMs - t.sentMs) / 1000);
    }
  };
}
