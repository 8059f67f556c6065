// The dashboards and rules proven against the real thing: a real 3-node cluster, a real
// Prometheus started by `just monitoring`'s CLI, a few hundred writes through the gateway, then
// every PromQL expression of every dashboard run as Grafana would run it. Grafana itself cannot
// run here; what it would send to Prometheus can.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findFreePortRange, isPortFree } from '../cluster/local/port-check.ts';
import { startCluster, type Cluster } from '../test/cluster-harness.ts';
import { dashboardQueries, expandGrafanaVariables, legendLabels, type DashboardQuery } from './dashboard-queries.ts';
import { dashboardFiles, dashboardsDir } from './grafana/build-dashboards.ts';
import { activeTargets, loadedRules, queryInstant, queryRange, type Series } from './prometheus-api.ts';

/**
 * Series that a healthy cluster under plain load does not have: they need a fault (retries,
 * send errors, elections after the first), a snapshot, or a change inside the annotation's 5 s.
 * Every other expression must return at least one finite value.
 */
const emptyWithoutFaults = [
  'Raft cluster / Peer send errors per second / A',
  'Raft cluster / Snapshots per minute / A',
  'Raft cluster / annotation Leader changes',
  'Raft cluster / annotation Node down',
  'Gateway / Failovers, retries and NO_LEADER per second / B',
  'Gateway / annotation Gateway saw a new leader',
  'Gateway / annotation Leader changes',
  'Leader Election / annotation Leader changes',
  'Chaos experiment / annotation Leader changes',
  'Benchmark / annotation Leader changes',
  'Cluster Health / annotation Leader changes',
  'Write Performance / annotation Leader changes',
  'Replication Lag / annotation Leader changes',
  'Cluster Health / Peer send errors / A',
  'Cluster Health / Gateway answers NO_LEADER / A',
];

const stepS = 1;
let cluster: Cluster;
let prometheus: ChildProcess;
let promUrl = '';
let promPort = 0;
let loadStartS = 0;
let acked = 0;
// A plain cluster under load has no chaos runner or generator: their series are proven by
// monitoring/chaos-run-queries.test.ts, against a real chaos run.
const queries: DashboardQuery[] = Object.keys(dashboardFiles)
  .flatMap((name) => dashboardQueries(JSON.parse(readFileSync(join(dashboardsDir, name), 'utf8'))))
  .filter((q) => !/\b(chaos|bench)_/.test(q.expr));
const results = new Map<string, Series[]>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true; bounded, and says what it waited for. */
async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try { if (await check()) return; } catch (err) { last = err; }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

async function send(method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${cluster.gatewayUrl}${path}`, {
    method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  return res.status;
}

/** 8 clients, 40 appends and 3 kv puts + gets each, and a few bad requests (for the 4xx panels). */
async function load(): Promise<void> {
  await Promise.all(Array.from({ length: 8 }, async (_, c) => {
    for (let i = 0; i < 40; i++) {
      if ((await send('POST', '/api/write', { data: { client: c, i }, source: `monitoring-test-${c}` })) === 200) acked++;
      if (i % 13 === 0) {
        if ((await send('PUT', `/api/kv/k${c}`, { value: `v${i}` })) === 200) acked++;
        await send('GET', `/api/kv/k${c}`);
      }
    }
  }));
  for (let i = 0; i < 3; i++) await send('POST', '/api/write', { source: 'no data' });
  await send('GET', '/api/nowhere');
}

test.before(async () => {
  cluster = await startCluster({ nodes: 3 });
  promPort = await findFreePortRange(1);
  promUrl = `http://127.0.0.1:${promPort}`;
  // Its own process group, so cleanup can take Prometheus down even if the CLI is killed hard.
  prometheus = spawn(process.execPath, ['--import', 'tsx', 'monitoring/cli.ts', '--port', String(promPort)], {
    env: { ...process.env, RAFT_DATA_DIR: cluster.dataDir }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let log = '';
  prometheus.stdout!.on('data', (d: Buffer) => { log += d; });
  prometheus.stderr!.on('data', (d: Buffer) => { log += d; });
  try {
    await waitFor('all four targets up', 30_000, async () => {
      if (prometheus.exitCode !== null) throw new Error(`monitoring CLI exited ${prometheus.exitCode}: ${log.slice(-2000)}`);
      const targets = await activeTargets(promUrl);
      return targets.length === 4 && targets.every((t) => t.health === 'up');
    });
  } catch (err) {
    console.error(log.slice(-3000));
    throw err;
  }
  loadStartS = Date.now() / 1000;
  // One request per route first, then a scrape: a labelled series that appears with all its
  // counts already in its first sample has no increase for rate() to see, and the whole load
  // can now finish between two scrapes (it failed so once in CI: the gateway latency panels).
  await send('POST', '/api/write', { data: 'warm-up', source: 'monitoring-test' }).then((st) => { if (st === 200) acked++; });
  await send('PUT', '/api/kv/warm-up', { value: 'v' }).then((st) => { if (st === 200) acked++; });
  await send('GET', '/api/kv/warm-up');
  await sleep(2500);
  await load();
  // Every acknowledged write is counted once by the leader; wait until a scrape has seen them all.
  await waitFor('raft_writes_total to reach the acknowledged writes', 15_000, async () => {
    const r = await queryInstant(promUrl, 'sum(raft_writes_total)');
    return Number(r[0]?.value[1]) >= acked;
  });
  // Two rule evaluations after the last scrape, so recorded series cover the load too.
  await sleep(2500);
  const endS = Date.now() / 1000;
  for (const q of queries) {
    try {
      results.set(q.source, await queryRange(promUrl, expandGrafanaVariables(q.expr, stepS), Math.floor(loadStartS - 5), Math.ceil(endS), stepS));
    } catch (err) {
      results.set(q.source, []);
      parseErrors.push(`${q.source}: ${(err as Error).message}`);
    }
  }
});

const parseErrors: string[] = [];

test.after(async () => {
  if (prometheus && prometheus.exitCode === null) try { process.kill(-prometheus.pid!, 'SIGKILL'); } catch { /* gone */ }
  await cluster?.stop();
});

test('Prometheus scrapes every node and the gateway under job and node-id instance labels', async () => {
  const targets = await activeTargets(promUrl);
  assert.equal(targets.map((t) => `${t.labels.job}/${t.labels.instance}`).sort(), ['gateway/gateway', 'raft-node/node1', 'raft-node/node2', 'raft-node/node3']);
  for (const t of targets) assert.is(t.lastError, '', `${t.scrapeUrl}: ${t.lastError}`);
  for (const id of cluster.nodeIds) {
    const port = new URL(cluster.nodeUrl(id)).port;
    assert.ok(targets.some((t) => t.labels.instance === id && t.scrapeUrl.includes(`:${port}/metrics`)), `${id} scraped on its own port ${port}`);
  }
});

test('the dashboards were found and hold expressions', () => {
  assert.ok(queries.length >= 30, `only ${queries.length} expressions`);
  assert.ok(queries.some((q) => q.source.startsWith('Raft cluster /')));
  assert.ok(queries.some((q) => q.source.startsWith('Gateway /')));
});

test('every dashboard expression parses and runs as a range query', () => {
  assert.equal(parseErrors, []);
});

test('every expression not listed as fault-only returns finite data under load', () => {
  const empty = queries
    .filter((q) => !emptyWithoutFaults.includes(q.source))
    .filter((q) => !(results.get(q.source) ?? []).some((s) => s.values.some(([, v]) => Number.isFinite(Number(v)))))
    .map((q) => `${q.source}: ${q.expr}`);
  assert.equal(empty, []);
  // The allowlist names real queries, so a renamed panel cannot hide behind it.
  for (const source of emptyWithoutFaults) assert.ok(queries.some((q) => q.source === source), `allowlisted "${source}" exists`);
});

test('every label a legend names is on every series the query returns', () => {
  const missing: string[] = [];
  for (const q of queries) {
    for (const s of results.get(q.source) ?? []) {
      for (const label of legendLabels(q.legend)) if (!(label in s.metric)) missing.push(`${q.source}: {{${label}}} not in ${JSON.stringify(s.metric)}`);
    }
  }
  assert.equal(missing, []);
});

test('the hot series say what happened: one leader, writes counted once, latency and lag present', async () => {
  type Sample = { labels: Record<string, string>; value: number };
  const last = async (expr: string): Promise<Sample[]> =>
    (await queryInstant(promUrl, expr)).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  // Leadership as Prometheus sees it must match the cluster's own answer. A busy machine can
  // cause an election at any moment, so the views are compared until they agree (bounded).
  let seen = '';
  await waitFor('Prometheus to agree with the cluster on one leader and its peers\' lag', 10_000, async () => {
    const leader = await cluster.leader();
    const count = (await last('cluster:raft_leaders:count')).map((r) => r.value);
    const leaders = (await last('raft_state == 2')).map((r) => r.labels.instance);
    const lag = (await last('instance_peer:raft_replication_lag_entries:leader')).map((r) => `${r.labels.instance}->${r.labels.peer}`).sort();
    seen = JSON.stringify({ leader, count, leaders, lag });
    return JSON.stringify(count) === '[1]' && JSON.stringify(leaders) === JSON.stringify([leader])
      && JSON.stringify(lag) === JSON.stringify(cluster.nodeIds.filter((id) => id !== leader).map((id) => `${leader}->${id}`));
  }).catch((err: Error) => assert.unreachable(`${err.message}; last seen ${seen}`));
  assert.equal((await last('sum(raft_writes_total)')).map((r) => r.value), [acked], 'every acknowledged write counted once (no restarts here)');
  assert.ok((await last(`max_over_time(cluster:raft_writes:rate5s[1m])`))[0]!.value > 0);
  const p99 = (await last('max_over_time(cluster:raft_propose_commit_seconds:p99_10s[1m])'))[0]!.value;
  assert.ok(p99 > 0 && p99 <= 5, `p99 ${p99} s within the histogram's buckets`);
  // Raw counters: a labelled series born by the increment itself shows no increase() (see README).
  const errors = await last('sum by (status) (gateway_http_requests_total{status=~"4.."})');
  assert.equal(errors.map((r) => `${r.labels.status}:${r.value}`).sort(), ['400:3', '404:1']);
});

test('every recording and alerting rule is loaded and evaluates cleanly; the dashboards use only loaded recordings', async () => {
  const rules = await loadedRules(promUrl);
  assert.is(rules.filter((r) => r.type === 'recording').length, 9);
  assert.is(rules.filter((r) => r.type === 'alerting').length, 7);
  assert.equal(rules.filter((r) => r.health !== 'ok' || r.lastError).map((r) => `${r.name}: ${r.health} ${r.lastError}`), []);
  const recorded = new Set(rules.filter((r) => r.type === 'recording').map((r) => r.name));
  const used = new Set(queries.flatMap((q) => q.expr.match(/\b[a-z_]+:[a-z0-9_]+:[a-z0-9_]+\b/g) ?? []));
  assert.ok(used.size >= 8, `dashboards use ${used.size} recording rules`);
  for (const name of used) assert.ok(recorded.has(name), `dashboard uses ${name}, which no rule records`);
  // Healthy and loaded: RaftNoLeader must not be firing with a leader present.
  const firing = (await queryInstant(promUrl, 'ALERTS{alertstate="firing"}')).map((r) => r.metric.alertname);
  assert.not.ok(firing.includes('RaftNoLeader'), `firing: ${firing.join(', ')}`);
});

test('Ctrl-C on the CLI stops Prometheus and exits 0', async () => {
  const exited = new Promise<number | null>((resolve) => prometheus.once('exit', (code) => resolve(code)));
  prometheus.kill('SIGINT');
  const code = await Promise.race([exited, sleep(15_000).then(() => 'timeout' as const)]);
  assert.is(code, 0);
  await waitFor('the Prometheus port to be released', 10_000, () => isPortFree(promPort));
});

test.run();
