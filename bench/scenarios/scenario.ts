// What every scenario gets and gives back. A scenario drives load through the engines, writes its
// steps into the run folder and returns the headline summary that results.json, compare and the
// SLO gate read; anything specific to it (a ladder, a knee, memory) goes into `details`.
import type { ScenarioArgs } from '../cli/bench-args.ts';
import type { UsageSource } from '../report/cluster-usage.ts';
import type { RunFolder } from '../report/run-folder.ts';
import type { RunSummary } from '../report/run-summary.ts';
import type { RequestBuilder } from '../request-spec.ts';
import type { GeneratorMetrics } from '../generator-metrics.ts';
import type { StepResult } from './steps.ts';

export interface ScenarioContext {
  args: ScenarioArgs;
  target: string;
  /** The cluster's nodes as the bench can reach them (soak reads their /metrics); may be empty. */
  nodes: readonly { id: string; url: string }[];
  folder: RunFolder;
  /** Where to read the cluster's CPU and metrics around each step. */
  usage: () => UsageSource;
  /** The target's own request shape, instead of the workload's (bench etcd). */
  requests?: RequestBuilder;
  /** The target's client certificate, when it speaks mutual TLS (etcd-tls). */
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
  /** Open-loop steps open their connections on this path before the clock starts (TLS targets). */
  preconnectPath?: string;
  /** Put before every step's name (alternated runs: r<round>-<arm>-). */
  stepPrefix?: string;
  /** Sees every step as it ends (alternated runs collect the cluster's). */
  onStep?: (step: StepResult) => void;
  /**
   * Only when this run started the cluster: stops it (its logs kept under `logsTo`) and starts
   * a new, empty one, whose target, nodes and usage replace these.
   */
  restartCluster?: (logsTo: string) => Promise<Pick<ScenarioContext, 'target' | 'nodes' | 'usage'>>;
  signal: AbortSignal;
  log(line: string): void;
  /** The generator as a Prometheus target while the run goes on (open-loop steps feed it). */
  metrics?: GeneratorMetrics;
}

export interface ScenarioOutcome {
  summary: RunSummary;
  details: Record<string, unknown>;
}

export type Scenario = (ctx: ScenarioContext) => Promise<ScenarioOutcome>;

/** Ctrl-C (or SIGTERM) before a scenario had a single measured step to report. */
export class RunAbortedError extends Error {
  readonly code = 'BENCH_ABORTED';
  constructor() {
    super('run aborted before any measured step finished');
  }
}
