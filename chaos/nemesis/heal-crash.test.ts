// Heal always: a runner (test/fixtures/nemesis-inject.ts) injects a fault into a real cluster
// and dies; `just heal` (spawned, as a user runs it), a fresh Nemesis, or the runner's own
// SIGTERM handler must leave no toxic, no disabled proxy and no paused process.
import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { repoRoot } from '../../cluster/config.ts';
import type { Cluster } from '../../test/cluster-harness.ts';
import type { LocalRuntime } from '../runtime/local.ts';
import type { AppliedFault, Fault } from './fault.ts';
import type { Ledger } from './ledger.ts';
import { Nemesis } from './nemesis.ts';
import { clusterChildEnv, eventually, nemesisFor, startProxiedCluster, toxicsByLink } from './nemesis-test-kit.ts';
import { clusterViewFromConfig } from '../cluster-view-http.ts';
import { seededRandom as createRng } from '../../cluster/common/rng.ts';

let cluster: Cluster;
let ledger: Ledger;
let toxiproxy: Toxiproxy;
let runtime: LocalRuntime;

test.before(async () => {
  cluster = await startProxiedCluster();
  ({ ledger, toxiproxy, runtime } = nemesisFor(cluster, 7));
});
test.after(async () => {
  await cluster?.stop();
});

interface Runner { applied: AppliedFault; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>; kill(signal: NodeJS.Signals): void }

/** Starts the fixture and resolves once it has printed its AppliedFault (bounded). */
function startRunner(fault: Fault, mode: 'plain' | 'heal-on-exit' = 'plain'): Promise<Runner> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/nemesis-inject.ts', JSON.stringify(fault), mode], {
    cwd: repoRoot, env: { ...process.env, ...clusterChildEnv(cluster) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`runner printed nothing in 30 s; stderr: ${stderr}`)); }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      resolve({ applied: JSON.parse(line) as AppliedFault, exited, kill: (s) => child.kill(s) });
    });
    void exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`runner exited ${code} before injecting; stderr: ${stderr}`)); });
  });
}

/**
 * Spawned without blocking: a spawnSync would stall this process's event loop, so the close of
 * a pooled keep-alive socket to a proxy that died meanwhile would go unnoticed until reused.
 */
function justHeal(): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('npx', ['just', 'heal'], { cwd: repoRoot, env: { ...process.env, ...clusterChildEnv(cluster) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d; });
  child.stderr.on('data', (d: Buffer) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); }));
}

async function assertClean(): Promise<void> {
  assert.equal(await toxicsByLink(toxiproxy), { toxics: {}, disabled: [] });
  assert.equal((await runtime.list()).filter((m) => m.state === 'paused').map((m) => m.name), []);
  assert.equal(ledger.pending(), []);
}

async function settledLeader(): Promise<string> {
  return eventually('a leader every node follows', async () => {
    const st = [...(await cluster.status()).values()];
    const leader = st.find((s) => s?.state === 'LEADER')?.id;
    return leader && st.every((s) => s && (s.id === leader || s.leader === leader)) ? leader : null;
  }, 15_000);
}

test('runner SIGKILLed after partitioning the leader: just heal leaves no toxic and the ledger healed', async () => {
  await settledLeader();
  const runner = await startRunner({ kind: 'partition', shape: 'isolate-leader' });
  runner.kill('SIGKILL');
  assert.is((await runner.exited).signal, 'SIGKILL');
  assert.is(Object.keys((await toxicsByLink(toxiproxy)).toxics).length, 4, 'the partition outlived its runner');
  assert.equal(ledger.pending().map((a) => a.id), [runner.applied.id]);
  const heal = await justHeal();
  assert.is(heal.status, 0, heal.stdout + heal.stderr);
  assert.match(heal.stdout, /healed partition isolate-leader/);
  await assertClean();
  await settledLeader();
});

test('runner SIGKILLed after pausing the leader: just heal resumes it', async () => {
  const leader = await settledLeader();
  const runner = await startRunner({ kind: 'pause', target: { role: 'leader' } });
  runner.kill('SIGKILL');
  await runner.exited;
  assert.equal(runner.applied.nodes, [leader]);
  assert.is((await runtime.info(leader)).state, 'paused');
  const heal = await justHeal();
  assert.is(heal.status, 0, heal.stdout + heal.stderr);
  assert.match(heal.stdout, new RegExp(`resumed ${leader}`));
  await assertClean();
  await settledLeader();
});

test('the sweep heals what no ledger knows: stray toxic, disabled proxy, paused gateway, stopped node', async () => {
  await settledLeader();
  const proxy = await toxiproxy.get('node2_to_node3');
  await proxy.addToxic({ name: 'by_hand', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 50, jitter: 0 } });
  const gw = await toxiproxy.get('gateway_to_node1');
  await gw.update({ enabled: false, listen: gw.listen, upstream: gw.upstream });
  await runtime.pause('gateway');
  await runtime.stop('node3');
  const heal = await justHeal();
  assert.is(heal.status, 0, heal.stdout + heal.stderr);
  for (const line of [/removed stray toxic by_hand/, /enabled disabled proxy gateway_to_node1/, /resumed paused gateway/, /started stopped node3/]) {
    assert.match(heal.stdout, line);
  }
  await assertClean();
  assert.is((await runtime.info('node3')).state, 'running');
  await settledLeader();
});

test('a cluster whose proxy died: just heal starts it again with every link', async () => {
  await settledLeader();
  await runtime.kill('toxiproxy');
  const heal = await justHeal();
  assert.is(heal.status, 0, heal.stdout + heal.stderr);
  assert.match(heal.stdout, /started the proxy/);
  assert.is(Object.keys(await toxiproxy.getAll()).length, 9, 'six peer links and three gateway links');
  await assertClean();
  await settledLeader();
});

test('a fresh Nemesis.open heals what a dead runner left before doing anything else', async () => {
  await settledLeader();
  const runner = await startRunner({ kind: 'partition', shape: 'majority-minority' });
  runner.kill('SIGKILL');
  await runner.exited;
  assert.ok(Object.keys((await toxicsByLink(toxiproxy)).toxics).length > 0);
  const { nemesis: _fresh, leftovers } = await Nemesis.open({
    runtime, toxiproxy, ledger, view: clusterViewFromConfig(cluster.config), random: createRng(1), nodeUrl: (id) => cluster.nodeUrl(id),
  });
  assert.equal(leftovers.healed.map((h) => h.id), [runner.applied.id]);
  assert.equal(leftovers.failed, []);
  await assertClean();
});

test('SIGTERM to a runner with heal-on-exit: it heals before exiting 143', async () => {
  await settledLeader();
  const runner = await startRunner({ kind: 'pause', target: { role: 'follower' } }, 'heal-on-exit');
  assert.is((await runtime.info(runner.applied.nodes[0]!)).state, 'paused');
  runner.kill('SIGTERM');
  const exit = await runner.exited;
  assert.is(exit.code, 143, exit.stderr);
  await assertClean();
});

test('just heal exits 1 when a step cannot be done, and the fault stays pending until a later heal does it', async () => {
  await settledLeader();
  const runner = await startRunner({ kind: 'link-toxic', select: { links: 'named', names: ['node1_to_node2'] }, toxic: { type: 'latency', attributes: { latency: 10, jitter: 0 } } });
  runner.kill('SIGKILL');
  await runner.exited;
  // A stopped proxy server accepts connections (the kernel does) and never answers.
  await runtime.pause('toxiproxy');
  const first = await justHeal();
  assert.is(first.status, 1, first.stdout + first.stderr);
  assert.match(first.stdout, /NOT healed latency/);
  assert.equal(ledger.pending().map((a) => a.id), [runner.applied.id]);
  // The sweep resumed the proxy member (and removed the toxic as a stray); the ledger entry remains.
  const second = await justHeal();
  assert.is(second.status, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /already gone/);
  await assertClean();
});

test.run();
