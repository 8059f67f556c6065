// Runs the real local-cluster CLI (cluster/local/cli.ts) against free ports and a temp data dir.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasEnded } from '../cluster/local/proc-stat.ts';
import { localCliSandbox, type CliRun } from './local-cli-harness.ts';

// Nodes on base..base+4 (room for --nodes 5), the gateway on base+9; then the links proxy ports
// for up to 5 nodes (proxyBase + 10*i + j, proxyBase + j) and its API port, all in one free range.
const { dataDir, basePort, records, cli } = await localCliSandbox({
  prefix: 'local-cli-test-', ports: 10 + 62, timeoutMs: 40_000,
  env: (base) => ({ RAFT_BASE_PORT: String(base), GATEWAY_PORT: String(base + 9), RAFT_PROXY_BASE_PORT: String(base + 10), TOXIPROXY_URL: `http://127.0.0.1:${base + 10 + 61}` }),
});
const gatewayPort = basePort + 9;

function oneLineError(run: CliRun, pattern: RegExp): void {
  assert.is.not(run.code, 0, `expected a failure, got stdout:\n${run.stdout}`);
  const lines = run.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, `expected one line on stderr, got:\n${run.stderr}`);
  assert.match(lines[0]!, pattern);
}

function tableRows(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^node\d+\s/.test(l));
}

function alivePids(): number[] {
  return records.list().filter((p) => p.alive).map((p) => p.pid);
}

test.after(async () => {
  await cli('down');
});

test('up starts 3 nodes and the gateway, waits for a leader and prints the URLs', async () => {
  const run = await cli('up');
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, /cluster up: 3 nodes, leader node\d \(term \d+\)/);
  assert.ok(run.stdout.includes(`http://127.0.0.1:${gatewayPort}`));
  for (let i = 0; i < 3; i++) assert.ok(run.stdout.includes(`http://127.0.0.1:${basePort + i}`));
  assert.ok(run.stdout.includes(join(dataDir, 'logs')));
  assert.is(alivePids().length, 5, 'three nodes, the gateway and the links proxy');
});

test('status prints one table with exactly one LEADER and the gateway line', async () => {
  const run = await cli('status');
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, /^NODE\s+STATE\s+TERM\s+COMMIT\s+LAG\s+PID\s+PROCESS/m);
  const rows = tableRows(run.stdout);
  assert.is(rows.length, 3, run.stdout);
  assert.is(rows.filter((r) => /\sLEADER\s/.test(r)).length, 1, run.stdout);
  assert.is(rows.filter((r) => /\sFOLLOWER\s/.test(r)).length, 2, run.stdout);
  for (const r of rows) assert.match(r, /\bup \d+[smh]/);
  assert.match(run.stdout, new RegExp(`^gateway\\s+http://127\\.0\\.0\\.1:${gatewayPort}\\s+pid \\d+ up .*leader node\\d`, 'm'));
});

test('up again says already up and exits 0; with another node count it exits non-zero', async () => {
  const before = alivePids();
  const again = await cli('up');
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /already up \(3 nodes/);
  assert.equal(alivePids(), before);
  oneLineError(await cli('up', '--nodes', '5'), /already up with 3 nodes, not 5/);
  assert.equal(alivePids(), before);
});

test('bad flags and verbs exit non-zero with one line', async () => {
  oneLineError(await cli('up', '--nodes', 'x'), /--nodes must be a whole number/);
  oneLineError(await cli('up', '--nodes', '0'), /--nodes must be between 1 and 9/);
  oneLineError(await cli('up', '--fsync', 'sometimes'), /--fsync must be always or never/);
  oneLineError(await cli('up', '--bogus'), /--bogus/);
  oneLineError(await cli('frob'), /unknown command "frob"/);
  oneLineError(await cli(), /which command/);
  oneLineError(await cli('logs', 'node9'), /no log for "node9"/);
  oneLineError(await cli('logs', '--lines', '0'), /--lines must be between/);
});

test('logs prints the tail of one log, or of every log', async () => {
  const one = await cli('logs', 'node1', '--lines', '3');
  assert.is(one.code, 0, one.stderr);
  const lines = one.stdout.trimEnd().split('\n');
  assert.ok(lines.length >= 1 && lines.length <= 3, one.stdout);
  const all = await cli('logs');
  assert.is(all.code, 0, all.stderr);
  for (const name of ['gateway', 'node1', 'node2', 'node3', 'toxiproxy']) assert.match(all.stdout, new RegExp(`==> ${name} `));
  assert.match(all.stdout, /node1 listening on/);
});

test('down stops every process and says what it stopped; status then reports no cluster', async () => {
  const pids = alivePids();
  assert.is(pids.length, 5);
  const run = await cli('down');
  assert.is(run.code, 0, run.stderr);
  for (const name of ['gateway', 'node1', 'node2', 'node3', 'toxiproxy']) assert.match(run.stdout, new RegExp(`stopped ${name} \\(pid \\d+`));
  for (const pid of pids) assert.ok(hasEnded(pid), `pid ${pid} still runs`);
  const status = await cli('status');
  assert.is(status.code, 0);
  assert.match(status.stdout, /no local cluster/);
  assert.match((await cli('down')).stdout, /nothing was running/);
});

test('up --nodes 5 starts five nodes with one leader', async () => {
  const run = await cli('up', '--nodes', '5');
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, /cluster up: 5 nodes/);
  const rows = tableRows((await cli('status')).stdout);
  assert.is(rows.length, 5);
  assert.is(rows.filter((r) => /\sLEADER\s/.test(r)).length, 1, rows.join('\n'));
  assert.is((await cli('down')).code, 0);
  assert.is(alivePids().length, 0);
});

test('a port taken by another process fails up with one line naming it, and starts nothing', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve, reject) => {
    blocker.once('error', reject);
    blocker.listen(gatewayPort, '127.0.0.1', resolve);
  });
  try {
    oneLineError(await cli('up'), new RegExp(`port ${gatewayPort} \\(for gateway\\) is already in use`));
    assert.is(alivePids().length, 0);
    assert.match((await cli('status')).stdout, /no local cluster/);
  } finally {
    await new Promise((r) => blocker.close(r));
  }
});

test('clean stops everything and removes the data dir', async () => {
  assert.is((await cli('up', '--nodes', '1')).code, 0);
  const pids = alivePids();
  assert.is(pids.length, 3, 'one node, the gateway and the links proxy');
  const run = await cli('clean');
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, /removed /);
  for (const pid of pids) assert.ok(hasEnded(pid), `pid ${pid} still runs`);
  assert.is(existsSync(dataDir), false);
});

test.run();
