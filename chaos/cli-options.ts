// The options of `just chaos <experiment>`: one parser for every runtime (chaos/cli.ts hands the
// result to the local runner or, for --runtime docker, to the runtime registered for it).
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { UsageError } from '../cluster/common/cli-usage.ts';
import { DEFAULT_BUDGET_MS } from './checker/linearizability.ts';
import { experiments, findExperiment } from './experiments/registry.ts';
import type { WorkloadChoice } from './runner/run-experiment.ts';

export const usage = 'usage: just chaos suite [--seed S] [--quick] [--only a,b]   (every experiment, one table, one exit code)\n' +
  '       just chaos <experiment>|list [--trials N] [--seed S] [--rate R] [--duration 2s|500ms] [--concurrency N] [--keep-cluster]\n' +
  '                  [--workload append|register|both] [--keys N] [--clients N] [--pinned-clients N] [--check-budget 60s] [--unsafe-stale-reads]\n' +
  '                  [--recovery-timeout 15s]   (how long each trial waits for the cluster to heal; default 15s, 30s on docker)\n' +
  '                  [--metrics-port N]   (the run\'s /metrics for Prometheus; default a free port, CHAOS_METRICS_PORT)\n' +
  '                  [--runtime local|docker] [--partition proxy|network (docker)]';
const workloads = ['append', 'register', 'both'] as const;
/** One parse of `just chaos <experiment> ...`, whatever runtime then runs it. */
export interface ChaosOptions {
  readonly runtime: 'local' | 'docker';
  readonly partition: 'proxy' | 'network';
  readonly experiment: string;
  readonly trials?: number;
  readonly seed: number;
  readonly rateRps: number;
  readonly holdMs?: number;
  readonly concurrencyMax: number;
  readonly keepCluster: boolean;
  readonly workload: WorkloadChoice;
  readonly registerKeys: number;
  readonly registerClients: number;
  readonly checkBudgetMs: number;
  readonly unsafeStaleReads: boolean;
  readonly pinnedClients?: number;
  readonly metricsPort: number;
  /** Absent: the runtime's default (local 15 s, docker 30 s). */
  readonly recoveryTimeoutMs?: number;
}

export function int(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** "2s", "500ms" or a bare number of ms. */
export function durationMs(raw: string | undefined, name = 'duration'): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(raw);
  if (!m) throw new UsageError(`--${name} must look like 2s, 500ms or 1500, got "${raw}"`);
  const ms = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  if (ms > 600_000) throw new UsageError(`--${name} must be at most 600s, got ${raw}`);
  return Math.round(ms);
}

export function parseChaosArgs(argv: string[]): ChaosOptions | 'list' | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        trials: { type: 'string' }, seed: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' },
        concurrency: { type: 'string' }, 'keep-cluster': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        workload: { type: 'string' }, keys: { type: 'string' }, clients: { type: 'string' }, 'check-budget': { type: 'string' },
        'unsafe-stale-reads': { type: 'boolean' }, 'pinned-clients': { type: 'string' }, 'metrics-port': { type: 'string' },
        runtime: { type: 'string' }, partition: { type: 'string' }, 'recovery-timeout': { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError(`which experiment? (${experiments.map((e) => e.name).join(', ')}, or list)`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (name === 'list') return 'list';
  if (!findExperiment(name)) throw new UsageError(`unknown experiment "${name}" (experiments: ${experiments.map((e) => e.name).join(', ')})`);
  const trials = int('trials', values.trials, 1, 10_000);
  const holdMs = durationMs(values.duration);
  const workload = values.workload ?? 'both';
  if (!(workloads as readonly string[]).includes(workload)) throw new UsageError(`--workload must be one of ${workloads.join(', ')}, got "${workload}"`);
  const checkBudgetMs = durationMs(values['check-budget'], 'check-budget') ?? DEFAULT_BUDGET_MS;
  if (checkBudgetMs < 1) throw new UsageError('--check-budget must be above 0');
  const recoveryTimeoutMs = durationMs(values['recovery-timeout'], 'recovery-timeout');
  if (recoveryTimeoutMs !== undefined && recoveryTimeoutMs < 1000) throw new UsageError('--recovery-timeout must be at least 1s');
  if (values['unsafe-stale-reads'] && workload === 'append') throw new UsageError('--unsafe-stale-reads changes register reads: it needs --workload register or both');
  const runtime = values.runtime ?? 'local';
  if (runtime !== 'local' && runtime !== 'docker') throw new UsageError(`--runtime must be local or docker, got "${runtime}"`);
  const partition = values.partition ?? 'proxy';
  if (partition !== 'proxy' && partition !== 'network') throw new UsageError(`--partition must be proxy or network, got "${partition}"`);
  if (partition === 'network' && runtime !== 'docker') throw new UsageError('--partition network cuts links under the proxy, in the containers\' network: it needs --runtime docker');
  return {
    runtime, partition,
    experiment: name,
    ...(trials !== undefined ? { trials } : {}),
    seed: int('seed', values.seed, 0, 2 ** 32 - 1) ?? randomInt(1, 2 ** 31),
    rateRps: int('rate', values.rate, 1, 5000) ?? 50,
    ...(holdMs !== undefined ? { holdMs } : {}),
    concurrencyMax: int('concurrency', values.concurrency, 1, 1024) ?? 128,
    keepCluster: values['keep-cluster'] ?? false,
    workload: workload as WorkloadChoice,
    registerKeys: int('keys', values.keys, 1, 100) ?? 3,
    registerClients: int('clients', values.clients, 1, 100) ?? 5,
    checkBudgetMs,
    unsafeStaleReads: values['unsafe-stale-reads'] ?? false,
    ...(values['pinned-clients'] !== undefined ? { pinnedClients: int('pinned-clients', values['pinned-clients'], 0, 100)! } : {}),
    metricsPort: int('metrics-port', values['metrics-port'] ?? process.env.CHAOS_METRICS_PORT, 0, 65535) ?? 0,
    ...(recoveryTimeoutMs !== undefined ? { recoveryTimeoutMs } : {}),
  };
}
