// Real runs of `just bench` against a real cluster (test/cluster-harness.ts, fsync always):
// a complete run folder whose files parse, SLO pass and fail, compare of the two folders, and a
// run that starts (and stops) its own cluster when none answers.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adminTokenPath } from '../../cluster/auth/token-store.ts';
import { isPortFree } from '../../cluster/local/port-check.ts';
import { startCluster } from '../../test/cluster-harness.ts';
import type { Cluster } from '../../test/cluster-harness.ts';
import { buildModel } from '../../reports/render-run.ts';
import { decodeHistogram } from '../../cluster/common/histograms.ts';
import { closedPort } from '../test-servers.ts';
import { benchCli, lastLine } from './test-spawn.ts';

let cluster: Cluster;
const folders: string[] = [];

test.before(async () => {
  cluster = await startCluster({ env: { RAFT_FSYNC: 'always', RAFT_LINKS: 'direct' } });
  // The bench CLI is told this cluster by URL (--target): like a user, it gets the token by $RAFT_TOKEN.
  process.env.RAFT_TOKEN = readFileSync(adminTokenPath(cluster.dataDir), 'utf8').trim();
});

test.after(async () => {
  await cluster?.stop();
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

const readJson = (dir: string, file: string): Record<string, any> => JSON.parse(readFileSync(join(dir, file), 'utf8'));

test('200rps for 3 s writes a complete run folder whose files parse', async () => {
  const run = await benchCli(['200rps', '--duration', '3s', '--warmup', '0s', '--connections', '16', '--target', cluster.gatewayUrl, '--slo', 'errors<50%,p99<30s']);
  assert.is(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  const dir = lastLine(run.stdout);
  folders.push(dir);
  assert.match(dir, /reports\/runs\/\d{8}T\d{6}Z-bench-200rps$/);
  for (const f of ['run.json', 'results.json', 'load.json', 'load-corrected.hgrm', 'load-raw.hgrm', 'load-series.csv']) {
    assert.ok(existsSync(join(dir, f)), `${f} missing (have ${readdirSync(dir).join(', ')})`);
  }
  const results = readJson(dir, 'results.json');
  assert.is(results.ok + results.errors, 600, 'every scheduled request ended once');
  assert.is(results.errors, 0, JSON.stringify(results.errorSamples));
  // Throughput is over the whole wall time, tail included (no claim about speed here).
  assert.ok(Math.abs(results.okPerSec - (results.ok * 1000) / results.elapsedMs) < 1e-6 && results.elapsedMs >= 3000, `okPerSec ${results.okPerSec}`);
  for (const basis of ['corrected', 'raw']) {
    const l = results.latencyMs[basis];
    assert.ok(l.p50 > 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max, `${basis}: ${JSON.stringify(l)}`);
  }
  assert.ok(results.latencyMs.corrected.p50 >= results.latencyMs.raw.p50, 'corrected counts from earlier than raw');
  assert.type(results.generator.cpuPercent, 'number');
  assert.type(results.generator.lagMs.p99, 'number');
  assert.equal(results.slo.map((v: { passed: boolean }) => v.passed), [true, true]);

  const runJson = readJson(dir, 'run.json');
  assert.is(runJson.options.rateRps, 200);
  assert.is(runJson.target, cluster.gatewayUrl);
  assert.type(runJson.environment.cpuModel, 'string');
  assert.ok(runJson.environment.cpuCount >= 1);
  assert.is(runJson.environment.node, process.version);
  // Spawned as `node --import tsx` (test-spawn.ts): the loader is not a flag worth listing.
  assert.equal(runJson.environment.nodeFlags, []);
  assert.match(runJson.environment.git.sha, /^[0-9a-f]{40}$/);
  assert.equal(runJson.cluster.nodes.map((n: { id: string }) => n.id), ['node1', 'node2', 'node3']);
  assert.type(runJson.wallMs, 'number');

  // The stored histogram is the same one the summary was read from.
  const step = readJson(dir, 'load.json');
  assert.is(decodeHistogram(step.corrected.encoded).totalCount, 600);
  assert.match(readFileSync(join(dir, 'load-corrected.hgrm'), 'utf8'), /#\[Mean\s+=/);
  const series = readFileSync(join(dir, 'load-series.csv'), 'utf8').trim().split('\n');
  assert.is(series[0], 'second,sent,ok,errors,latencyMsP50,latencyMsP99');
  assert.is(series.slice(1).reduce((n, line) => n + Number(line.split(',')[1]), 0), 600);
});

test('a broken --slo rule exits 1 and prints the rule; the folder is still the last line', async () => {
  const run = await benchCli(['100rps', '--duration', '1s', '--warmup', '0s', '--workload', 'kv-mixed', '--target', cluster.gatewayUrl, '--slo', 'p99<1us,errors<=0']);
  assert.is(run.code, 1, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.match(run.stderr, /BROKEN p99<1us {2}\(actual [\d.]+ ms\)/, run.stderr);
  assert.not.match(run.stderr, /BROKEN errors<=0/);
  const dir = lastLine(run.stdout);
  folders.push(dir);
  const results = readJson(dir, 'results.json');
  assert.equal(results.slo.map((v: { rule: string; passed: boolean }) => [v.rule, v.passed]), [['p99<1us', false], ['errors<=0', true]]);
  assert.is(results.ok, 100, JSON.stringify(results.errorSamples));
});

test('compare prints the two real runs side by side', async () => {
  assert.is(folders.length, 2);
  const run = await benchCli(['compare', folders[0]!, folders[1]!]);
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  assert.match(run.stdout, /note: the runs differ in target rate\/s: 200 vs 100/);
  const [a, b] = folders.map((f) => readJson(f, 'results.json').okPerSec as number);
  const okRow = run.stdout.split('\n').find((l) => l.startsWith('ok/s'));
  assert.ok(okRow !== undefined, run.stdout);
  assert.match(okRow!, new RegExp(`\\s${(b! / a!).toFixed(2)}(\\s|$)`), `ratio B/A of ${a} and ${b}`);
  assert.match(run.stdout, /corrected p99 ms/);
});

test('--target a node: the leader is loaded directly, a follower is refused naming the leader', async () => {
  const leader = await cluster.waitForLeader();
  const follower = cluster.nodeIds.find((id) => id !== leader)!;
  const writesBefore = await writesAnsweredBy(cluster.nodeUrl(leader));
  const refused = await benchCli(['100rps', '--duration', '1s', '--warmup', '0s', '--target', cluster.nodeUrl(follower)]);
  assert.is(refused.code, 64, `stdout:\n${refused.stdout}\nstderr:\n${refused.stderr}`);
  assert.is(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  assert.match(refused.stderr, new RegExp(`is node ${follower}, a follower, which refuses writes; the leader is ${leader} at ${cluster.nodeUrl(leader)}`));
  assert.is(await writesAnsweredBy(cluster.nodeUrl(leader)), writesBefore, 'the refused run sent nothing');

  const run = await benchCli(['100rps', '--duration', '1s', '--warmup', '0s', '--target', cluster.nodeUrl(leader)]);
  assert.is(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.match(run.stdout, /direct to the leader node: no gateway/);
  const dir = lastLine(run.stdout);
  folders.push(dir);
  assert.is(readJson(dir, 'results.json').ok, 100);
  assert.is(readJson(dir, 'run.json').cluster.via, 'leader-node');
  assert.is(await writesAnsweredBy(cluster.nodeUrl(leader)), writesBefore + 100, 'the leader answered every write itself');
});

/** raft_writes_total: writes a node committed and answered as leader (the gateway's batches included). */
async function writesAnsweredBy(nodeUrl: string): Promise<number> {
  const text = await (await fetch(`${nodeUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('raft_writes_total '));
  assert.ok(line, 'raft_writes_total missing');
  return Number(line!.split(' ')[1]);
}

test('bench floor loads the floor path it starts, names it in run.json and stops it after', async () => {
  const run = await benchCli(['floor', '--rate', '200', '--duration', '2s', '--warmup', '0s', '--connections', '8']);
  assert.is(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.match(run.stdout, /the floor path: no Raft, fsync always/);
  assert.match(run.stdout, /cluster cpu {2}floor-follower1 \d+%, floor-follower2 \d+%, floor-leader \d+%, floor-gateway \d+%/);
  const dir = lastLine(run.stdout);
  folders.push(dir);
  assert.match(dir, /-bench-floor$/);
  assert.is(readJson(dir, 'results.json').ok, 400, JSON.stringify(readJson(dir, 'results.json').errorSamples));
  const runJson = readJson(dir, 'run.json');
  assert.is(runJson.cluster.via, 'floor-path');
  assert.is(runJson.options.rateRps, 200);
  const port = Number(new URL(runJson.target).port);
  assert.ok(await isPortFree(port), 'the floor gateway stopped with the run');
  assert.not.ok(existsSync(runJson.cluster.dataDir), 'its logs removed');
});

test('bench etcd loads the leader of an etcd it starts with puts, and stops it after', async () => {
  const run = await benchCli(['etcd', '--rate', '200', '--duration', '2s', '--warmup', '0s', '--connections', '8']);
  assert.is(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.match(run.stdout, /etcd 3\.\d+\.\d+ for this run: 3 members on 127\.0\.0\.1/);
  assert.match(run.stdout, /the target's own requests/);
  const dir = lastLine(run.stdout);
  folders.push(dir);
  assert.match(dir, /-bench-etcd$/);
  assert.is(readJson(dir, 'results.json').ok, 400, JSON.stringify(readJson(dir, 'results.json').errorSamples));
  const runJson = readJson(dir, 'run.json');
  assert.is(runJson.cluster.via, 'etcd-leader');
  assert.match(runJson.cluster.version, /^etcd 3\./);
  for (const n of runJson.cluster.nodes as { url: string }[]) assert.ok(await isPortFree(Number(new URL(n.url).port)), `${n.url} still listening`);
  assert.not.ok(existsSync(runJson.cluster.dataDir), 'etcd data removed');
});

test('--alternate floor,etcd runs the cluster and both references in turn and compares medians', async () => {
  const run = await benchCli(['200rps', '--duration', '1s', '--warmup', '0s', '--connections', '8', '--target', cluster.gatewayUrl, '--alternate', 'floor,etcd', '--rounds', '2']);
  assert.is(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  const order = [...run.stdout.matchAll(/^round (\d)\/2, (\w+)$/gm)].map((m) => `${m[1]}-${m[2]}`);
  assert.equal(order, ['1-cluster', '1-floor', '1-etcd', '2-cluster', '2-floor', '2-etcd']);
  assert.match(run.stdout, /medians over 2 alternated rounds/);
  assert.match(run.stdout, /cluster \/ floor: p50 [\d.]+x, p99 [\d.]+x, p99\.9 [\d.]+x/);
  assert.match(run.stdout, /not started by this run, so it stays up across rounds/);
  const dir = lastLine(run.stdout);
  folders.push(dir);
  for (const step of ['r1-cluster', 'r1-floor', 'r1-etcd', 'r2-cluster', 'r2-floor', 'r2-etcd']) {
    assert.is(readJson(dir, `${step}-load.json`).ok, 200, step);
  }
  const results = readJson(dir, 'results.json');
  assert.is(results.ok, 400, 'the headline is the cluster rounds merged');
  assert.equal(Object.keys(results.details.alternation.medians), ['cluster', 'floor', 'etcd']);
  assert.is(results.details.alternation.completeRounds, 2);
  assert.is(results.details.alternation.perRound.etcd.length, 2);

  // The report merges the cluster's rounds only, and shows the references beside them.
  const model = buildModel(dir);
  const percentiles = model.sections.find((s) => s.id === 'distribution')!.tables![0]!;
  assert.is(percentiles.rows[0]![1], 400, 'distribution counts the cluster rounds only');
  const alternation = model.sections.find((s) => s.id === 'alternation');
  assert.ok(alternation, model.sections.map((s) => s.id).join(', '));
  assert.equal(alternation!.tables![0]!.rows.map((r) => r[0]), ['cluster', 'floor', 'etcd', 'cluster / floor', 'cluster / etcd']);
  assert.is(alternation!.tables![1]!.rows.length, 6);
});

test('max --alternate etcd runs the whole search on each arm; the headline is the cluster round', async () => {
  const run = await benchCli(['max', '--duration', '1s', '--warmup', '0s', '--max-connections', '2', '--target', cluster.gatewayUrl, '--alternate', 'etcd', '--rounds', '1']);
  assert.is(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.match(run.stdout, /cluster \/ etcd: p50 [\d.]+x, p99 [\d.]+x, p99\.9 [\d.]+x, ok\/s [\d.]+x/);
  const dir = lastLine(run.stdout);
  folders.push(dir);
  for (const step of ['r1-cluster-c1', 'r1-cluster-c2', 'r1-etcd-c1', 'r1-etcd-c2']) assert.ok(existsSync(join(dir, `${step}.json`)), step);
  const results = readJson(dir, 'results.json');
  assert.match(results.details.steps[0], /^r1-cluster-c[12]$/);
  assert.is(results.okPerSec, results.details.alternation.perRound.cluster[0].okPerSec);
  assert.is(results.details.alternation.details.etcd[0].best.connections > 0, true);
});

test('with no cluster answering, a run starts its own (fsync always), a fresh one per alternated round, and stops it after', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-own-cluster-'));
  try {
    const run = await benchCli(['100rps', '--duration', '1s', '--warmup', '0s', '--alternate', 'floor', '--rounds', '2'], { GATEWAY_PORT: String(await closedPort()), RAFT_DATA_DIR: dataDir });
    assert.is(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    const starts = [...run.stdout.matchAll(/starting 3 nodes \+ gateway for this run \(fsync always, links direct, auth on, peer TLS on, ports (\d+)-(\d+), data (\S+)\)/g)];
    assert.is(starts.length, 2, 'round 2 gets an empty cluster, as the references do');
    assert.not.match(run.stdout, /stays up across rounds/);
    const dir = lastLine(run.stdout);
    folders.push(dir);
    const runJson = readJson(dir, 'run.json');
    assert.is(runJson.cluster.origin, 'started');
    assert.is(runJson.cluster.fsync, 'always');
    assert.is(runJson.cluster.config.storage.fsync, 'always');
    assert.ok(existsSync(join(dir, 'r1', 'cluster-logs', 'gateway.log')), 'the first cluster\'s logs kept with its round');
    assert.ok(existsSync(join(dir, 'cluster-logs', 'gateway.log')), 'the last cluster\'s logs kept with the run');
    // The audit logs too: a node's first line is its start, with the term it restored.
    for (const id of ['node1', 'node2', 'node3']) {
      const first = JSON.parse(readFileSync(join(dir, 'cluster-logs', `${id}-audit.jsonl`), 'utf8').split('\n')[0]!) as { kind: string; node: string };
      assert.equal([first.kind, first.node], ['started', id]);
    }
    assert.is(readJson(dir, 'r1-cluster-load.json').ok, 100);
    assert.is(readJson(dir, 'r2-cluster-load.json').ok, 100);
    for (const [, first, last, data] of starts) {
      for (let port = Number(first); port <= Number(last); port++) assert.ok(await isPortFree(port), `port ${port} still listening after the run`);
      assert.not.ok(existsSync(data!), `temp data dir ${data} removed`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test.run();
