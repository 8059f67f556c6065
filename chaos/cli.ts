// just chaos suite [--seed S] [--quick] [--only a,b]: the whole battery (chaos/suite.ts).
// just chaos <experiment>|list [--trials N] [--seed S] [--rate R] [--duration 2s] [--concurrency N] [--keep-cluster]
//   [--workload append|register|both] [--keys N] [--clients N] [--check-budget 60s] [--unsafe-stale-reads]
// Runs one experiment against the local cluster; starts one (toxiproxy links) when none is up
// and stops it afterwards unless --keep-cluster. The seed is the first line printed, the run
// folder the last. Exit: 0 valid, 1 invalid (a safety check failed), 2 unknown (could not
// decide: no steady state, no recovery, could not start or heal), 64 usage error.
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig, type ClusterConfig } from '../cluster/config.ts';
import { gatewayName } from '../cluster/local/cluster-processes.ts';
import { readClusterRecord, removeClusterRecord } from '../cluster/local/cluster-record.ts';
import { startCluster, stopAll } from '../cluster/local/local-cluster.ts';
import { ProcessManager } from '../cluster/local/process-manager.ts';
import { experiments, findExperiment } from './experiments/registry.ts';
import { openLocalTarget } from './runner/local-target.ts';
import { runFromCli } from './runner/cli-run.ts';
import { runSuite, suiteTable } from './suite.ts';
import { int, parseChaosArgs, usage } from './cli-options.ts';
import { chaosCommand } from './runtime/chaos-command.ts';
import { UsageError, usageExitCode } from '../cluster/common/cli-usage.ts';

class ClusterUnavailableError extends Error {
  readonly code = 'CLUSTER_UNAVAILABLE';
}

const exitUsage = usageExitCode;
const exitUnknown = 2;
const readyTimeoutMs = 20_000;

/** The running local cluster's configuration, or null when none runs. Partly up is an error. */
function runningCluster(manager: ProcessManager): ClusterConfig | null {
  const record = readClusterRecord(manager.runDir);
  const alive = new Set(manager.list().filter((p) => p.alive).map((p) => p.name));
  if (!record) {
    if (alive.size > 0) throw new ClusterUnavailableError(`processes run (${[...alive].join(', ')}) but no cluster record exists; run: just down`);
    return null;
  }
  const members = [...record.nodes.map((n) => n.id), gatewayName];
  const missing = members.filter((m) => !alive.has(m));
  if (missing.length === members.length) return null;
  if (missing.length > 0) throw new ClusterUnavailableError(`the local cluster is partly up (${missing.join(', ')} not running); run: just up (or just heal)`);
  return loadConfig({ ...process.env, ...record.env });
}

/** "K=V ..." the running cluster's recorded environment lacks, or null when it has all of `need`. */
function missingClusterEnv(need: Readonly<Record<string, string>> | undefined, manager: ProcessManager): string | null {
  const have = readClusterRecord(manager.runDir)?.env ?? {};
  const missing = Object.entries(need ?? {}).filter(([k, v]) => have[k] !== v).map(([k, v]) => `${k}=${v}`);
  return missing.length > 0 ? missing.join(' ') : null;
}

async function suiteMain(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { seed: { type: 'string' }, quick: { type: 'boolean' }, only: { type: 'string' } } }));
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
  const seed = int('seed', values.seed, 0, 2 ** 32 - 1) ?? randomInt(1, 2 ** 31);
  const only = values.only !== undefined ? values.only.split(',').map((x) => x.trim()).filter(Boolean) : null;
  for (const name of only ?? []) if (!findExperiment(name)) throw new UsageError(`unknown experiment "${name}" in --only`);
  console.log(`seed ${seed}`);
  const { rows, exitCode } = await runSuite({ seed, quick: values.quick ?? false, only, log: (l) => console.log(l) });
  console.log('');
  for (const line of suiteTable(rows)) console.log(line);
  console.log(`suite seed ${seed}: ${rows.filter((r) => r.verdict === 'valid').length}/${rows.length} valid, exit ${exitCode}`);
  return exitCode;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'suite') return suiteMain(argv.slice(1));
  const opts = parseChaosArgs(argv);
  if (opts === 'help') { console.log(usage); return 0; }
  if (opts === 'list') {
    const width = Math.max(...experiments.map((e) => e.name.length));
    for (const e of experiments) console.log(`${e.name.padEnd(width)}  ${e.summary}`);
    return 0;
  }
  const experiment = findExperiment(opts.experiment)!;
  console.log(`seed ${opts.seed}`);
  if (opts.runtime !== 'local') return chaosCommand.run(opts.runtime, experiment, opts, argv);
  const baseConfig = loadConfig();
  const manager = new ProcessManager(baseConfig.dataDirAbs);
  let config = runningCluster(manager);
  const started = config === null;
  if (config === null) {
    const extraEnv = { ...(experiment.clusterEnv ?? {}) };
    config = loadConfig({ ...process.env, ...extraEnv, RAFT_LINKS: 'toxiproxy' });
    const envNote = Object.entries(extraEnv).map(([k, v]) => ` ${k}=${v}`).join('');
    console.log(`no local cluster is up: starting ${config.nodeCount} nodes + gateway with toxiproxy links${envNote} for this run (data ${config.dataDirAbs})`);
    for (const name of manager.names()) manager.forget(name);
    await startCluster(config, manager, { readyTimeoutMs, extraEnv });
  } else if (missingClusterEnv(experiment.clusterEnv, manager) !== null) {
    throw new ClusterUnavailableError(`${experiment.name} needs the nodes started with ${missingClusterEnv(experiment.clusterEnv, manager)}, but the running cluster lacks it; run: just down (the runner then starts one)`);
  } else if (experiment.needsProxy && config.links.mode !== 'toxiproxy') {
    throw new ClusterUnavailableError(`${experiment.name} needs the links through the proxy, but the running cluster has ${config.links.mode} links; run: just down (the runner then starts one)`);
  }
  return runFromCli({
    experiment, options: opts, argv,
    open: () => openLocalTarget(config, manager, opts.seed),
    describe: (target) => `runtime ${target.runtime.kind}, links ${config.links.mode}`,
    recoveryTimeoutMsDefault: 15_000,
    started,
    stopStarted: async () => {
      await stopAll(manager);
      removeClusterRecord(manager.runDir);
    },
    clusterNoun: 'cluster', stoppedVerb: 'stopped',
  });
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  console.error(`chaos: ${(err as Error)?.message ?? String(err)}${typeof code === 'string' && code !== 'USAGE' ? ` (${code})` : ''}`);
  process.exit(err instanceof UsageError ? exitUsage : exitUnknown);
});
