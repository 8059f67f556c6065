// Grafana during an experiment, proven without Grafana: a real cluster, a real Prometheus started
// by `just monitoring`'s CLI, a real leader-kill through the runner and a short real bench, both
// registering themselves as scrape targets. Then every query of every panel and annotation of the
// run dashboards is run over the run's window as Grafana would, and the fault windows Prometheus
// recorded are compared with the run's own events.jsonl.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { leaderKill } from '../chaos/experiments/leader-kill.ts';
import { openLocalTarget } from '../chaos/runner/local-target.ts';
import { runExperiment, type RunOutcome } from '../chaos/runner/run-experiment.ts';
import { repoRoot } from '../cluster/config.ts';
import { findFreePortRange } from '../cluster/local/port-check.ts';
import { startCluster, type Cluster } from '../test/cluster-harness.ts';
import { dashboardQueries, expandGrafanaVariables, type DashboardQuery } from './dashboard-queries.ts';
import { dashboardsDir } from './grafana/build-dashboards.ts';
import { activeTargets, queryRange, type Series } from './prometheus-api.ts';

/** Series that need what this run may not do: a snapshot, errors or retries, a trial that did not recover. */
const mayBeEmpty = new Set([
  'Benchmark / Errors by kind / A',
  'Cluster Health / Gateway answers NO_LEADER / A',
  'Write Performance / Gateway batch size / A',
  'Raft cluster / Snapshots per minute / A',
  // An error answer or a retry: none when the gateway's failover beats its deadline.
  'Gateway / Error answers per second / A',
  'Gateway / Failovers, retries and NO_LEADER per second / B',
]);
const runDashboards = ['chaos-experiment.json', 'benchmark.json', 'leader-election.json', 'cluster-health.json', 'write-performance.json', 'replication-lag.json', 'raft-cluster.json', 'gateway.json'];
const scrapeIntervalMs = 1000;

let cluster: Cluster;
let prometheus: ChildProcess;
let promUrl = '';
let chaos: RunOutcome;
let windowS: [number, number] = [0, 0];
const results = new Map<string, Series[]>();
const failures: string[] = [];
const queries: DashboardQuery[] = runDashboards.flatMap((name) => dashboardQueries(JSON.parse(readFileSync(join(dashboardsDir, name), 'utf8'))));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try { if (await check()) return; } catch { /* not yet */ }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** An open-loop bench against the cluster's gateway; its generator registers like the runner. 12 s: Prometheus
 * applies a new file_sd target up to ~10 s after it appears (refresh plus its 5 s update throttle). */
async function bench(): Promise<void> {
  const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'cli.ts'), '100rps', '--duration', '12s', '--warmup', '0s', '--connections', '8', '--target', cluster.gatewayUrl], {
      cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RAFT_DATA_DIR: cluster.dataDir },
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => { text += d; });
    child.stderr.on('data', (d: Buffer) => { text += d; });
    child.on('close', (code) => resolve({ code, text }));
  });
  if (out.code !== 0) throw new Error(`bench failed (${out.code}):\n${out.text}`);
}

test.before(async () => {
  cluster = await startCluster({ readyTimeoutMs: 60_000 });
  const promPort = await findFreePortRange(1);
  promUrl = `http://127.0.0.1:${promPort}`;
  prometheus = spawn(process.execPath, ['--import', 'tsx', 'monitoring/cli.ts', '--port', String(promPort)], {
    env: { ...process.env, RAFT_DATA_DIR: cluster.dataDir, GRAFANA_BIN: '/nonexistent' }, stdio: 'ignore', detached: true,
  });
  await waitFor('the nodes and the gateway as targets', 60_000, async () => (await activeTargets(promUrl)).filter((t) => t.health === 'up').length === 4);
  const startMs = Date.now();
  const { target } = await openLocalTarget(cluster.config, cluster.manager, 7);
  // Each fault held 3 s, so it spans several scrapes. Three trials: Prometheus may apply the
  // runner's new file_sd target only ~10 s after it appears, after the first trial.
  chaos = await runExperiment(target, {
    experiment: leaderKill, trials: 3, seed: 7, rateRps: 40, holdMs: 3000, concurrencyMax: 16, recoveryTimeoutMs: 45_000,
    runsDir: join(cluster.dataDir, 'runs'), log: () => undefined, metricsPort: 0,
  });
  await bench();
  // Two more scrapes and rule evaluations after both ended.
  await sleep(2500);
  windowS = [Math.floor(startMs / 1000) - 2, Math.ceil(Date.now() / 1000)];
  results.set('runner up', await queryRange(promUrl, 'up{job="chaos-runner"}', windowS[0], windowS[1], 1));
  for (const q of queries) {
    try {
      results.set(q.source, await queryRange(promUrl, expandGrafanaVariables(q.expr, 1), windowS[0], windowS[1], 1));
    } catch (err) {
      failures.push(`${q.source}: ${(err as Error).message}`);
    }
  }
});

test.after(async () => {
  if (prometheus && prometheus.exitCode === null) try { process.kill(-prometheus.pid!, 'SIGKILL'); } catch { /* gone */ }
  await cluster?.stop();
});

test('the run and the bench were scraped as their own jobs while they ran', async () => {
  assert.ok(chaos.results.trials >= 1, `the chaos run made ${chaos.results.trials} trials`);
  const info = await queryRange(promUrl, 'chaos_run_info', windowS[0], windowS[1], 1);
  assert.equal(info.map((s) => `${s.metric.job}/${s.metric.instance}/${s.metric.experiment}/${s.metric.seed}`), ['chaos-runner/chaos-runner/leader-kill/7']);
  const bench = await queryRange(promUrl, 'bench_run_info', windowS[0], windowS[1], 1);
  assert.is(bench.length, 1);
  assert.is(bench[0]!.metric.job, 'bench');
  // Withdrawn at the end: no target left for either. Prometheus applies discovery changes at most
  // every 5 s (its target-update throttle) after a file_sd refresh, so this waits for it.
  let jobs: string[] = [];
  const withdrawn = async () => {
    jobs = (await activeTargets(promUrl)).map((t) => t.labels.job ?? '');
    return !jobs.includes('chaos-runner') && !jobs.includes('bench');
  };
  try { await waitFor('the run targets to be withdrawn', 20_000, withdrawn); } catch { /* reported below */ }
  assert.not.ok(jobs.includes('chaos-runner') || jobs.includes('bench'), `still scraped after 20 s: ${jobs.join(', ')}`);
});

test('every panel and annotation query of the run dashboards parses and returns data over the run', () => {
  assert.equal(failures, []);
  assert.ok(queries.length >= 40, `${queries.length} queries`);
  const empty = queries
    .filter((q) => !mayBeEmpty.has(q.source))
    .filter((q) => !(results.get(q.source) ?? []).some((s) => s.values.some(([, v]) => Number.isFinite(Number(v)))))
    .map((q) => `${q.source}: ${q.expr}`);
  assert.equal(empty, []);
  for (const source of mayBeEmpty) assert.ok(queries.some((q) => q.source === source), `allowlisted "${source}" exists`);
});

test('the fault windows Prometheus recorded match events.jsonl within one scrape interval', () => {
  const events = readFileSync(join(chaos.runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; phase?: string; atMs?: number; id?: string });
  const injects = events.filter((e) => e.type === 'fault' && e.phase === 'inject');
  const heals = events.filter((e) => e.type === 'fault' && e.phase === 'heal');
  assert.is(injects.length, chaos.results.trials);
  // Each window: a run of consecutive 1 s steps of one series (`== 1` drops the steps between).
  const windows: [number, number][] = [];
  for (const s of results.get('Chaos experiment / annotation Fault windows') ?? []) {
    let start: number | null = null;
    let prev = 0;
    for (const [t] of s.values) {
      const ms = t * 1000;
      if (start !== null && ms - prev > 1000) { windows.push([start, prev]); start = null; }
      if (start === null) start = ms;
      prev = ms;
    }
    if (start !== null) windows.push([start, prev]);
  }
  windows.sort((a, b) => a[0] - b[0]);
  // Prometheus sees the runner from its first scrape on (file_sd applies a new target up to ~10 s
  // late): faults injected before it cannot show whole.
  const upSamples = (results.get('runner up') ?? []).flatMap((s) => s.values.map(([t, v]) => [t * 1000, Number(v)] as const));
  const firstScrapeMs = Math.min(...upSamples.map(([t]) => t));
  assert.ok(Number.isFinite(firstScrapeMs), 'Prometheus scraped the runner');
  const failedScrapes = upSamples.filter(([, v]) => v === 0).length;
  // Faults injected a scrape or more after the first one must each show as a window.
  const observed = injects.filter((inj) => inj.atMs! >= firstScrapeMs + scrapeIntervalMs);
  assert.ok(observed.length >= 1, `no fault was injected after the runner's first scrape (${firstScrapeMs}; injects ${JSON.stringify(injects.map((i) => i.atMs))})`);
  const healOf = (inj: (typeof injects)[number]) => heals.find((h) => h.id === inj.id)!;
  // Every window seen lies inside an injected fault (give or take a scrape).
  for (const [from, to] of windows) {
    assert.ok(injects.some((inj) => from >= inj.atMs! - 250 && to <= healOf(inj).atMs! + 2250),
      `window ${from}..${to} lies inside an injected fault (${JSON.stringify(injects.map((i) => i.atMs))})`);
  }
  // A scrape the busy runner did not answer in time leaves a gap; then only what was scraped can be held to the events.
  if (failedScrapes > 0) {
    console.log(`note: ${failedScrapes} of ${upSamples.length} scrapes of the runner failed; checked the ${windows.length} window(s) seen`);
    assert.ok(windows.length >= 1, 'at least one fault window was scraped');
    return;
  }
  // A step-1s range query samples the latest scrape at or before each step: a window opens at the
  // first step after the scrape that saw it, so it lags the event by at most a scrape plus a step.
  const slackMs = scrapeIntervalMs + 1000 + 250;
  for (const inject of observed) {
    const heal = healOf(inject);
    const match = windows.find(([from]) => from >= inject.atMs! - 250 && from - inject.atMs! <= slackMs);
    assert.ok(match, `fault at ${inject.atMs}: no window opens within ${slackMs} ms of it (windows ${JSON.stringify(windows)})`);
    assert.ok(Math.abs(match![1] - heal.atMs!) <= slackMs, `fault at ${inject.atMs}: window closes ${match![1] - heal.atMs!} ms from the heal`);
  }
});

test.run();
