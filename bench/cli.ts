// just bench <N>rps|max|sweep|soak|load|cluster|floor|etcd [options]   |   just bench compare <runA> <runB>
// Order of work, so that a bad invocation costs nothing: parse and validate everything, then
// probe or start the target, then load. Usage errors (bad input, unreachable --target) are one
// line and exit 64; a broken --slo rule or a compare regression exits 1; the last line a run
// prints is its folder.
import { basename, join } from 'node:path';
import { loadConfig } from '../cluster/config.ts';
import { MetricsEndpoint } from '../monitoring/metrics-endpoint.ts';
import { GeneratorMetrics } from './generator-metrics.ts';
import { runCli } from '../cluster/common/cli-usage.ts';
import { takeRuntimeFlag, type RuntimeKind } from '../cluster/common/runtime-flag.ts';
import { benchTargetCommand } from './cli/runtime-target.ts';
import { parseBenchArgs } from './cli/bench-args.ts';
import type { ScenarioArgs } from './cli/bench-args.ts';
import { resolveTarget, startFreshCluster } from './cli/bench-target.ts';
import type { ClusterDescription } from './cli/bench-target.ts';
import { referenceSecurity } from './scenarios/references.ts';
import type { ArmSecurity, ReferenceName } from './scenarios/references.ts';
import { startReferenceTarget } from './cli/reference-target.ts';
import { compareRuns, formatComparison, loadRun } from './report/compare.ts';
import { captureEnvironment, currentLoadAverage1m } from './report/run-environment.ts';
import { RunFolder } from './report/run-folder.ts';
import { evaluateSlo, formatVerdict } from './report/slo.ts';
import { clusterQuickScenario } from './scenarios/cluster-quick.ts';
import { loadScenario } from './scenarios/load.ts';
import { maxScenario } from './scenarios/max.ts';
import { rateScenario } from './scenarios/rate.ts';
import type { Scenario } from './scenarios/scenario.ts';
import { soakScenario } from './scenarios/soak.ts';
import { sweepScenario } from './scenarios/sweep.ts';
import { reportLine } from '../reports/render-run.ts';
import { benchResultsSchema, benchRunSchema } from '../reports/run-files/bench-run-files.ts';
import { checkedRunFile } from '../reports/run-files/run-file-check.ts';

const scenarios: Record<ScenarioArgs['kind'], Scenario> = {
  rate: rateScenario, max: maxScenario, sweep: sweepScenario, soak: soakScenario, load: loadScenario, cluster: clusterQuickScenario,
  // The same open-loop run as <N>rps, aimed at the floor path the run starts.
  floor: rateScenario,
  etcd: rateScenario,
};

const log = (line: string): void => { console.log(line); };

function armSecurities(cluster: ClusterDescription, alternate: readonly ReferenceName[]): Record<string, ArmSecurity> {
  const own: ArmSecurity = cluster.via === 'floor-path' ? { kind: 'floor', auth: false, peerTls: false }
    : cluster.security
    ? { kind: 'etcd', ...cluster.security }
    : { kind: 'cluster', auth: cluster.config?.security.auth ?? null, peerTls: cluster.config?.security.peerTls ?? null };
  return { [alternate.length > 0 ? 'cluster' : 'target']: own, ...Object.fromEntries(alternate.map((a) => [a, referenceSecurity(a)])) };
}

await runCli(async () => {
  const { runtime, rest } = takeRuntimeFlag(process.argv.slice(2));
  const args = parseBenchArgs(rest);
  if (args.kind === 'compare') {
    const a = loadRun(args.runA);
    const b = loadRun(args.runB);
    const rows = compareRuns(a.results, b.results, args.threshold);
    for (const line of formatComparison(a, b, rows, args.threshold)) console.log(line);
    return rows.some((r) => r.regression) ? 1 : 0;
  }
  return runScenario(args, runtime);
});

async function runScenario(args: ScenarioArgs, runtime: RuntimeKind = 'local'): Promise<number> {
  const environment = captureEnvironment();
  // Handlers first: starting a cluster takes seconds, and a signal then must not kill this
  // process by default action (leaving the cluster running) nor be ignored (a background job's
  // inherited SIG_IGN). A second signal exits at once; the exit hook still kills a started cluster.
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    console.error('interrupted: finishing the current step and writing what was measured (again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let target: Awaited<ReturnType<typeof resolveTarget>> | null = null;
  let folder: RunFolder | null = null;
  const metrics = new GeneratorMetrics();
  const endpoint = new MetricsEndpoint({
    registry: metrics.registry, job: 'bench', targetsDir: join(loadConfig().dataDirAbs, 'monitoring', 'targets'),
    port: Number(process.env.BENCH_METRICS_PORT ?? 0) || 0,
  });
  try {
    target = args.kind === 'floor' || args.kind === 'etcd' ? await startReferenceTarget(args.kind, args.fsync, log)
      : runtime !== 'local' ? await benchTargetCommand.run(runtime, log)
      : await resolveTarget(args.target, args.fsync, log);
    if (abort.signal.aborted) return 130;
    folder = await RunFolder.create(args.name);
    const startedAt = new Date();
    const run = {
      scenario: args.name, kind: args.kind, argv: process.argv.slice(2), options: { ...args, slo: args.slo.map((r) => r.text) },
      target: target.url, startedAt: startedAt.toISOString(), environment, cluster: target.cluster, runtime: target.cluster.runtime,
      // Each arm's auth/TLS setting, so a comparison says what it compared (alternated runs).
      security: armSecurities(target.cluster, args.alternate),
    };
    await folder.writeJson('run.json', checkedRunFile(benchRunSchema, 'run.json', run));
    const via = { gateway: '', 'leader-node': ', direct to the leader node: no gateway', 'floor-path': ', the floor path: no Raft', 'etcd-leader': `, ${target.cluster.version ?? 'etcd'}'s leader` }[target.cluster.via];
    log(`bench ${args.name} -> ${target.url} (cluster: ${target.cluster.origin}${via}, fsync ${target.cluster.fsync ?? 'unknown'}; ` +
      `${environment.cpuModel ?? 'cpu'} x${environment.cpuCount}, load ${environment.loadAverage1m.toFixed(2)})`);
    const restartCluster = target.cluster.origin === 'started'
      ? async (logsTo: string) => {
        await target!.release(logsTo);
        target = await startFreshCluster(args.fsync, log);
        return { target: target.url, nodes: target.cluster.nodes, usage: target.usage };
      }
      : undefined;
    metrics.run(basename(folder.dir), args.name, target.url);
    const metricsUrl = await endpoint.start().catch((err: Error) => { log(`metrics: not served (${err.message})`); return null; });
    if (metricsUrl) log(`metrics: ${metricsUrl} (registered for just monitoring's Prometheus)`);
    const outcome = await scenarios[args.kind]({
      args, target: target.url, nodes: target.cluster.nodes, folder, usage: target.usage, requests: target.requests, signal: abort.signal, log,
      ...(target.tls ? { tls: target.tls } : {}), ...(target.preconnectPath ? { preconnectPath: target.preconnectPath } : {}),
      restartCluster, metrics,
    });
    const verdicts = evaluateSlo(args.slo, outcome.summary);
    const endedAt = new Date();
    await folder.writeJson('results.json', checkedRunFile(benchResultsSchema, 'results.json', {
      scenario: args.name, ...outcome.summary, details: outcome.details,
      slo: verdicts.map((v) => ({ rule: v.rule.text, actual: v.actual, passed: v.passed })), aborted: abort.signal.aborted,
    }));
    await folder.writeJson('run.json', checkedRunFile(benchRunSchema, 'run.json', {
      ...run, endedAt: endedAt.toISOString(), wallMs: endedAt.getTime() - startedAt.getTime(),
      loadAverage1mAtEnd: currentLoadAverage1m(), aborted: abort.signal.aborted,
    }));
    const gen = outcome.summary.generator;
    if (gen.bottleneck) log('WARNING: the load generator was itself a bottleneck in this run (see generator above)');
    // Lag while using little CPU means the generator was waiting for a core, not busy: the machine
    // was oversubscribed, and the cluster's latency in this run is inflated the same way.
    if (gen.bottleneck && gen.cpuPercent < 50) {
      log(`WARNING: the generator used only ${gen.cpuPercent.toFixed(0)}% of a core; its lag is CPU contention on the machine ` +
        `(load average ${environment.loadAverage1m.toFixed(1)} -> ${currentLoadAverage1m().toFixed(1)} on ${environment.cpuCount} cores)`);
    }
    for (const v of verdicts) (v.passed ? console.log : console.error)(`slo ${formatVerdict(v)}`);
    await target.release(folder.dir);
    log(reportLine(folder.dir));
    log(folder.dir);
    if (abort.signal.aborted) return 130;
    return verdicts.every((v) => v.passed) ? 0 : 1;
  } finally {
    // One more scrape reads the final values (when a Prometheus scrapes us at all), then withdraw.
    await endpoint.finish(3000);
    await endpoint.close();
    await target?.release(folder?.dir ?? null);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
