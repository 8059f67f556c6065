// What a chaos run shows Prometheus while it runs: which fault is applied where, which trial,
// what each trial measured, and what the clients saw. Users watch it in Grafana's "Chaos
// experiment" dashboard; fault windows come back as annotations from chaos_fault_active.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Election and unavailability: 50 ms to 60 s, fine where elections land (150-600 ms). */
const recoveryBucketsS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60];
/** Client latency: 1 ms to 10 s. */
const latencyBucketsS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

export class ChaosMetrics {
  readonly registry = new Registry();
  private readonly runInfo = new Gauge({ name: 'chaos_run_info', help: 'The run in progress (value 1)', labelNames: ['run_id', 'experiment', 'seed'], registers: [this.registry] });
  private readonly faultActive = new Gauge({ name: 'chaos_fault_active', help: '1 while a fault is applied, 0 after its heal', labelNames: ['experiment', 'fault', 'target'], registers: [this.registry] });
  private readonly trial = new Gauge({ name: 'chaos_trial', help: 'The trial in progress (0 outside trials)', labelNames: ['experiment'], registers: [this.registry] });
  private readonly trials = new Counter({ name: 'chaos_trials_total', help: 'Trials ended, by outcome', labelNames: ['experiment', 'outcome'], registers: [this.registry] });
  private readonly election = new Histogram({ name: 'chaos_election_seconds', help: 'Fault to the next leader elected, per trial', labelNames: ['experiment'], buckets: recoveryBucketsS, registers: [this.registry] });
  private readonly unavailability = new Histogram({ name: 'chaos_unavailability_seconds', help: 'Fault to the first successful write invoked after it, per trial', labelNames: ['experiment'], buckets: recoveryBucketsS, registers: [this.registry] });
  private readonly ops = new Counter({ name: 'chaos_client_ops_total', help: 'Client operations completed, by function and outcome (ok, fail, info)', labelNames: ['f', 'type'], registers: [this.registry] });
  private readonly latency = new Histogram({ name: 'chaos_client_latency_seconds', help: 'Successful calls, from the slot\'s due time (corrected), per function', labelNames: ['f'], buckets: latencyBucketsS, registers: [this.registry] });
  private readonly rawLatency = new Histogram({ name: 'chaos_client_raw_latency_seconds', help: 'Successful calls, from the send (raw), per function', labelNames: ['f'], buckets: latencyBucketsS, registers: [this.registry] });

  constructor(private readonly experiment: string) {
    // process_cpu_seconds_total and memory: the runner is a process on the same cores as the cluster.
    collectDefaultMetrics({ register: this.registry });
    this.trial.set({ experiment }, 0);
    // Present from the start at 0, so rate() and the dashboards see the series before the first trial ends.
    for (const outcome of ['recovered', 'not-recovered']) this.trials.inc({ experiment, outcome }, 0);
    for (const f of ['append', 'read', 'write', 'cas']) for (const type of ['ok', 'fail', 'info']) this.ops.inc({ f, type }, 0);
  }

  run(runId: string, seed: string): void {
    this.runInfo.set({ run_id: runId, experiment: this.experiment, seed }, 1);
  }

  faultApplied(fault: string, target: string): void {
    this.faultActive.set({ experiment: this.experiment, fault, target }, 1);
  }

  faultHealed(fault: string, target: string): void {
    this.faultActive.set({ experiment: this.experiment, fault, target }, 0);
  }

  trialStarted(n: number): void {
    this.trial.set({ experiment: this.experiment }, n);
  }

  trialEnded(outcome: 'recovered' | 'not-recovered', electionMs: number | null, unavailabilityMs: number | null): void {
    this.trial.set({ experiment: this.experiment }, 0);
    this.trials.inc({ experiment: this.experiment, outcome });
    if (electionMs !== null) this.election.observe({ experiment: this.experiment }, electionMs / 1000);
    if (unavailabilityMs !== null) this.unavailability.observe({ experiment: this.experiment }, unavailabilityMs / 1000);
  }

  /** One completed call; latencies count for ok calls only (a fail or info has no service time). */
  opCompleted(f: string, type: 'ok' | 'fail' | 'info', correctedMs: number, rawMs: number): void {
    this.ops.inc({ f, type });
    if (type !== 'ok') return;
    this.latency.observe({ f }, Math.max(0, correctedMs) / 1000);
    this.rawLatency.observe({ f }, Math.max(0, rawMs) / 1000);
  }
}
