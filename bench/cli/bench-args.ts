// The bench command line as data. Everything is validated here, before a target is probed or a
// cluster started, so a bad invocation ends with one line and exit 64 having sent nothing.
import { parseCliArgs, intOption, UsageError } from '../../cluster/common/cli-usage.ts';
import { parseSlo } from '../report/slo.ts';
import type { SloRule } from '../report/slo.ts';
import { referenceNames } from '../scenarios/references.ts';
import type { ReferenceName } from '../scenarios/references.ts';
import { workloadNames } from '../scenarios/workloads.ts';
import type { WorkloadName } from '../scenarios/workloads.ts';
import { parseDurationMs, parseFraction, parsePositiveNumber, parseRateList, parseRateRps } from './quantities.ts';

export const scenarioNames = ['<N>rps', 'max', 'sweep', 'soak', 'load', 'cluster', 'floor', 'etcd', 'compare'] as const;
export type ScenarioKind = 'rate' | 'max' | 'sweep' | 'soak' | 'load' | 'cluster' | 'floor' | 'etcd';

export interface ScenarioArgs {
  kind: ScenarioKind;
  /** Folder label: bench-<name>. */
  name: string;
  target: string | null;
  slo: SloRule[];
  fsync: 'always' | 'never';
  workload: WorkloadName;
  /** Whole run (rate, soak, load) or each step (max, sweep, cluster). */
  durationMs: number;
  warmupMs: number;
  connections: number;
  timeoutMs: number;
  /** rate: the scenario's rate; soak, floor and etcd: --rate. */
  rateRps: number;
  /** max: the p99 bound (default 50); sweep: a bound the knee must also stay under (default none). */
  p99Ms: number | null;
  maxConnections: number;
  rates: number[];
  sampleIntervalMs: number;
  /** <N>rps and max: references run in turn with the cluster, round after round; [] for none. */
  alternate: ReferenceName[];
  rounds: number;
}

export interface CompareArgs {
  kind: 'compare';
  runA: string;
  runB: string;
  threshold: number;
}

export type BenchArgs = ScenarioArgs | CompareArgs;

const options = {
  target: { type: 'string' },
  slo: { type: 'string' },
  fsync: { type: 'string' },
  workload: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  connections: { type: 'string' },
  timeout: { type: 'string' },
  'p99-ms': { type: 'string' },
  'max-connections': { type: 'string' },
  rates: { type: 'string' },
  rate: { type: 'string' },
  'sample-interval': { type: 'string' },
  threshold: { type: 'string' },
  alternate: { type: 'string' },
  rounds: { type: 'string' },
} as const;
type OptionName = keyof typeof options;

const common: OptionName[] = ['target', 'slo', 'fsync', 'timeout', 'warmup'];
/** Which options each scenario reads; any other is refused rather than ignored. */
const accepted: Record<ScenarioKind | 'compare', OptionName[]> = {
  rate: [...common, 'duration', 'connections', 'workload', 'alternate', 'rounds'],
  max: [...common, 'duration', 'workload', 'p99-ms', 'max-connections', 'alternate', 'rounds'],
  sweep: [...common, 'duration', 'connections', 'workload', 'rates', 'p99-ms'],
  soak: [...common, 'duration', 'connections', 'workload', 'rate', 'sample-interval'],
  load: [...common, 'duration'],
  cluster: [...common, 'duration'],
  // The floor path is started by the run and takes writes only.
  floor: ['slo', 'fsync', 'timeout', 'warmup', 'duration', 'connections', 'rate'],
  // etcd always fsyncs, and takes puts only.
  etcd: ['slo', 'timeout', 'warmup', 'duration', 'connections', 'rate'],
  compare: ['threshold'],
};

/** Defaults per scenario: [durationMs, warmupMs, connections]. */
const defaults: Record<ScenarioKind, { durationMs: number; warmupMs: number; connections: number }> = {
  rate: { durationMs: 60_000, warmupMs: 5000, connections: 64 },
  max: { durationMs: 10_000, warmupMs: 5000, connections: 0 },
  sweep: { durationMs: 10_000, warmupMs: 5000, connections: 128 },
  soak: { durationMs: 600_000, warmupMs: 5000, connections: 64 },
  // The seed's load test: 60 s, 10 clients; no warm-up, so it measures what the seed measured.
  load: { durationMs: 60_000, warmupMs: 0, connections: 10 },
  cluster: { durationMs: 10_000, warmupMs: 3000, connections: 64 },
  floor: { durationMs: 60_000, warmupMs: 5000, connections: 64 },
  etcd: { durationMs: 60_000, warmupMs: 5000, connections: 64 },
};

export const defaultSweepRatesRps = [100, 250, 500, 1000, 1500, 2000, 2500, 3000, 4000, 5000];

export const usage = `usage: just bench <N>rps|max|sweep|soak|load|cluster|floor|etcd [options] | just bench compare <runA> <runB> [--threshold 10%]`;

const namedKinds: readonly ScenarioKind[] = ['max', 'sweep', 'soak', 'load', 'cluster', 'floor', 'etcd'];

function scenarioKind(word: string): { kind: ScenarioKind; rateRps: number | null } {
  if (/rps$/.test(word)) return { kind: 'rate', rateRps: parseRateRps(word) };
  if ((namedKinds as readonly string[]).includes(word)) return { kind: word as ScenarioKind, rateRps: null };
  throw new UsageError(`unknown scenario "${word}" (scenarios: ${scenarioNames.join(', ')})`);
}

/** `--duration -5s` would read as an ambiguous option; join it so the value's own check explains. */
function joinDashValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (/^--[a-z0-9-]+$/.test(a) && next !== undefined && /^-\d/.test(next)) { out.push(`${a}=${next}`); i++; } else out.push(a);
  }
  return out;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values, positionals } = parseCliArgs(joinDashValues(argv), options);
  const [word, ...rest] = positionals;
  if (word === undefined) throw new UsageError(`which scenario? ${usage}`);
  const given = Object.keys(values) as OptionName[];

  if (word === 'compare') {
    refuseOthers('compare', given);
    if (rest.length !== 2) throw new UsageError(`compare takes two run folders, got ${rest.length}`);
    const threshold = values.threshold === undefined ? 0.1 : parseFraction('threshold', values.threshold);
    if (threshold <= 0) throw new UsageError('--threshold must be above 0%');
    return { kind: 'compare', runA: rest[0]!, runB: rest[1]!, threshold };
  }

  const { kind, rateRps } = scenarioKind(word);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}" after ${word}`);
  refuseOthers(kind === 'rate' ? word : kind, given, kind);
  if (values.rounds !== undefined && values.alternate === undefined) throw new UsageError('--rounds needs --alternate (the rounds alternate the cluster with references)');
  if (values.alternate !== undefined) refuseReferenceWorkload(values.workload ?? 'write', parseReferences(values.alternate));
  const d = defaults[kind];

  const fsync = values.fsync ?? 'always';
  if (fsync !== 'always' && fsync !== 'never') throw new UsageError(`--fsync must be always or never, got "${fsync}"`);
  const workload = values.workload ?? 'write';
  if (!(workloadNames as readonly string[]).includes(workload)) {
    throw new UsageError(`unknown --workload "${workload}" (workloads: ${workloadNames.join(', ')})`);
  }
  return {
    kind,
    name: kind === 'rate' ? word : kind,
    target: values.target === undefined ? null : parseTarget(values.target),
    slo: values.slo === undefined ? [] : parseSlo(values.slo),
    fsync,
    workload: workload as WorkloadName,
    durationMs: values.duration === undefined ? d.durationMs : parseDurationMs('duration', values.duration),
    warmupMs: values.warmup === undefined ? d.warmupMs : parseDurationMs('warmup', values.warmup, { allowZero: true, maxMs: 600_000 }),
    connections: intOption('connections', values.connections, d.connections, 1, 10_000),
    timeoutMs: values.timeout === undefined ? 10_000 : parseDurationMs('timeout', values.timeout, { maxMs: 60_000 }),
    rateRps: rateRps ?? (values.rate === undefined ? 500 : parsePositiveNumber('rate', values.rate, 100_000)),
    p99Ms: values['p99-ms'] !== undefined ? parsePositiveNumber('p99-ms', values['p99-ms'], 60_000) : kind === 'max' ? 50 : null,
    maxConnections: intOption('max-connections', values['max-connections'], 512, 1, 10_000),
    rates: values.rates === undefined ? defaultSweepRatesRps : parseRateList('rates', values.rates),
    sampleIntervalMs: values['sample-interval'] === undefined ? 10_000
      : parseDurationMs('sample-interval', values['sample-interval'], { maxMs: 3_600_000 }),
    alternate: values.alternate === undefined ? [] : parseReferences(values.alternate),
    rounds: intOption('rounds', values.rounds, 3, 1, 20),
  };
}

/** The references write only: etcd puts over 1,000 keys (like write or kv-write), the floor only appends. */
function refuseReferenceWorkload(workload: string, references: readonly ReferenceName[]): void {
  if (workload !== 'write' && workload !== 'kv-write') throw new UsageError('--alternate runs writes only (write or kv-write): the references take no reads');
  if (workload === 'kv-write' && references.includes('floor')) throw new UsageError('--workload kv-write cannot alternate with floor: the floor only appends (use write)');
}

function parseReferences(text: string): ReferenceName[] {
  const names = text.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(referenceNames as readonly string[]).includes(n)) throw new UsageError(`--alternate takes ${referenceNames.join(', ')} (comma-separated), got "${n || text}"`);
  }
  if (new Set(names).size !== names.length) throw new UsageError(`--alternate names a reference twice: "${text}"`);
  return names as ReferenceName[];
}

function refuseOthers(label: string, given: OptionName[], kind: ScenarioKind | 'compare' = 'compare'): void {
  const ok = accepted[kind];
  const extra = given.find((g) => !ok.includes(g));
  if (extra !== undefined) throw new UsageError(`--${extra} does not apply to ${label} (options: ${ok.map((o) => `--${o}`).join(' ')})`);
}

/** An http(s) origin; a path, query or credentials would be silently dropped, so they are refused. */
function parseTarget(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--target must be a URL such as http://127.0.0.1:8080, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--target must be http or https, got "${text}"`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.username !== '') {
    throw new UsageError(`--target must be an origin without path or query, got "${text}"`);
  }
  return url.origin;
}
