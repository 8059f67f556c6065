// The dockerode runtime and `just heal --runtime docker` against a real compose cluster (its own
// project, subnet, ports and data dir): a runner SIGKILLed while a node is paused, and while the
// network is cut (a disconnect, drop rules and a toxic at once), leaves nothing behind after the
// heal; disk-loss and power-loss act on a stopped container's files on the host, and the node
// comes back and catches up (each bounded: 90 s to catch up). Needs dockerd and `npx just images`; without them the tests are skipped with the reason,
// and under CI=true they fail with it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../../cluster/config.ts';
import { dockerRuntime, hostConfig, readImagesEnv, readRecord, runCompose, type DockerClusterRecord } from '../../cluster/containers/docker-cluster.ts';
import { fetchAllStatuses, leaderOf } from '../../cluster/local/cluster-probe.ts';
import type { AppliedFault } from '../nemesis/fault.ts';
import type { DockerRuntime } from './docker.ts';
import { dockerUnavailable, freeDockerPorts } from '../../cluster/containers/docker-test-kit.ts';

const reason = await dockerUnavailable();
if (reason !== null) {
  if (process.env.CI === 'true') test('docker runtime', () => { assert.unreachable(`containers cannot run here: ${reason}`); });
  else {
    console.log(`[skip] docker runtime tests: ${reason}`);
    test.skip('docker runtime: kill/pause/partition and heal after a SIGKILLed runner', () => {});
  }
  test.run();
} else {
  await suite();
}

async function suite(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'raft-docker-test-'));
  const base = await freeDockerPorts(8);
  const env: NodeJS.ProcessEnv = {
    ...process.env, COMPOSE_PROJECT_NAME: `raftchaostest${process.pid}`, RAFT_SUBNET_PREFIX: '172.30.7', RAFT_DATA_DIR: dataDir,
    GATEWAY_PORT: String(base), RAFT_BASE_PORT: String(base + 1), TOXIPROXY_URL: `http://127.0.0.1:${base + 4}`,
    PROMETHEUS_PORT: String(base + 5), DASHBOARD_PORT: String(base + 6),
    // The power-loss case needs the nodes' sync ledgers (as the power-loss experiment's nodes).
    RAFT_SYNC_LEDGER: '1',
  };
  let record: DockerClusterRecord;
  let runtime: DockerRuntime;
  const cli = (args: string[], timeoutMs = 240_000) => {
    // As the justfile runs the CLIs: with the docker runtime registered (cluster/containers/register.ts).
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './cluster/containers/register.ts', ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: timeoutMs });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  // The images choice lives with the default data dir; the test's own data dir gets a copy.
  const images = readImagesEnv(join(repoRoot, 'data', 'docker'));

  test.before(async () => {
    if (images) {
      const { writeImagesEnv } = await import('../../cluster/containers/images.ts');
      writeImagesEnv(join(dataDir, 'docker', 'images.env'), images as never);
    }
    const up = cli(['cluster/local/cli.ts', 'up', '--runtime', 'docker'], 300_000);
    // uvu does not report a failing hook: say why here.
    if (up.code !== 0) console.error(`up --runtime docker failed: ${up.out}`);
    assert.is(up.code, 0, up.out);
    record = readRecord(join(dataDir, 'docker'))!;
    runtime = dockerRuntime(record);
  });
  test.after(() => {
    if (record) runCompose(record, ['down', '-v', '--remove-orphans', '-t', '2']);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts the fixture runner and resolves with what it injected (bounded). */
  function inject(faults: unknown[], via = 'network'): Promise<{ applied: AppliedFault[]; kill: () => Promise<void> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cluster/containers/test-fixtures/docker-inject.ts', JSON.stringify(faults), via], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d; });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`runner printed nothing in 60 s: ${err}`)); }, 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('['));
        if (!line) return;
        clearTimeout(timer);
        resolve({ applied: JSON.parse(line) as AppliedFault[], kill: async () => { child.kill('SIGKILL'); await exited; } });
      });
      void exited.then(() => { clearTimeout(timer); reject(new Error(`runner exited before injecting: ${err}`)); });
    });
  }

  async function assertNothingLeft(): Promise<void> {
    for (const m of await runtime.list()) assert.is(m.state, 'running', `${m.name} ${m.state}`);
    const left = await runtime.network.leftovers();
    assert.equal(left.disconnected, [], 'disconnected');
    assert.equal(left.drops, [], 'drop rules');
    const proxies = await (await fetch(`${env.TOXIPROXY_URL}/proxies`)).json() as Record<string, { toxics: unknown[]; enabled: boolean }>;
    for (const [name, p] of Object.entries(proxies)) {
      assert.is(p.toxics.length, 0, `toxics on ${name}`);
      assert.ok(p.enabled, `${name} disabled`);
    }
    for (const n of ['node1', 'node2', 'node3']) {
      const ep = await runtime.network.endpoint(n);
      assert.is(ep?.ipv4Address, `172.30.7.${10 + Number(n.slice(4))}`, `${n} keeps its address`);
      assert.ok(ep?.aliases.includes(n), `${n} keeps its service name`);
    }
  }

  test('security on: one host-made token and CA; the gateway refuses no token, takes the host\'s', async () => {
    const docker = join(dataDir, 'docker');
    for (const f of ['auth/admin.token', 'auth/tokens.json', 'tls/ca.crt', 'tls/node1.crt', 'tls/node3.key']) assert.ok(existsSync(join(docker, f)), f);
    assert.is(record.env.RAFT_AUTH, 'true');
    assert.is(record.env.RAFT_PEER_TLS, 'true');
    const write = (headers: Record<string, string>) => fetch(`${env.GATEWAY_PORT ? `http://127.0.0.1:${env.GATEWAY_PORT}` : ''}/api/write`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ data: 'x' }), signal: AbortSignal.timeout(10_000),
    });
    assert.is((await write({ authorization: 'Bearer not-a-token' })).status, 401);
    const token = readFileSync(join(docker, 'auth', 'admin.token'), 'utf8').trim();
    const ok = await write({ authorization: `Bearer ${token}` });
    assert.is(ok.status, 200, await ok.text());
  });

  test('runtime: members by compose labels; kill then start, pause then resume', async () => {
    const names = (await runtime.list()).map((m) => m.name);
    assert.equal(names, ['node1', 'node2', 'node3', 'gateway', 'toxiproxy']);
    await runtime.kill('node3');
    assert.is((await runtime.info('node3')).state, 'stopped');
    await runtime.kill('node3'); // idempotent
    await runtime.start('node3');
    assert.is((await runtime.info('node3')).state, 'running');
    await runtime.pause('node2');
    assert.is((await runtime.info('node2')).state, 'paused');
    await runtime.resume('node2');
    assert.is((await runtime.info('node2')).state, 'running');
    assert.match(await runtime.logs('node3', 20), /node3 listening/);
    const unknown = await runtime.info('node9').then(() => null, (err: { code?: string }) => err.code);
    assert.is(unknown, 'UNKNOWN_MEMBER');
  });

  test('a runner SIGKILLed during a pause: heal --runtime docker resumes the node', async () => {
    const r = await inject([{ kind: 'pause', target: { role: 'node', node: 'node1' } }]);
    assert.is((await runtime.info('node1')).state, 'paused');
    await r.kill();
    const heal = cli(['chaos/heal-cli.ts', '--runtime', 'docker']);
    assert.is(heal.code, 0, heal.out);
    assert.match(heal.out, /resumed node1/);
    await assertNothingLeft();
  });

  test('a runner SIGKILLed during a network cut (disconnect, drop rules, a toxic): heal undoes all of it', async () => {
    const r = await inject([
      { kind: 'partition', shape: 'isolate-one', nodes: ['node3'] },
      { kind: 'partition', shape: 'one-way' },
      { kind: 'link-toxic', select: { links: 'named', names: ['gateway_to_node1'] }, toxic: { type: 'latency', attributes: { latency: 100 } } },
    ]);
    assert.is(r.applied.length, 3);
    const left = await runtime.network.leftovers();
    assert.equal(left.disconnected, ['node3']);
    assert.is(left.drops.length, 1);
    await r.kill();
    const heal = cli(['chaos/heal-cli.ts', '--runtime', 'docker']);
    assert.is(heal.code, 0, heal.out);
    assert.match(heal.out, /reconnected node3/);
    assert.match(heal.out, /removed drop rule/);
    await assertNothingLeft();
  });

  test('the sweep reconnects and removes what no ledger knows', async () => {
    await runtime.network.disconnect('node2');
    const heal = cli(['chaos/heal-cli.ts', '--runtime', 'docker']);
    assert.is(heal.code, 0, heal.out);
    assert.match(heal.out, /sweep: reconnected node2/);
    await assertNothingLeft();
  });

  /** The host's view of node `id`'s files: what disk-loss wipes and power-loss cuts. */
  const nodeDir = (id: string) => join(dataDir, 'docker', 'nodes', id);

  async function writes(count: number): Promise<void> {
    const token = readFileSync(join(dataDir, 'docker', 'auth', 'admin.token'), 'utf8').trim();
    for (let i = 0; i < count; i++) {
      const r = await fetch(`http://127.0.0.1:${env.GATEWAY_PORT}/api/write`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ data: `w${i}` }), signal: AbortSignal.timeout(10_000),
      });
      assert.is(r.status, 200, await r.text());
    }
  }

  /** Bounded: node `id` answers again as a voting member holding everything the leader committed before the fault. */
  async function caughtUp(id: string, commitBefore: number, timeoutMs = 90_000): Promise<void> {
    const nodes = hostConfig(record, join(dataDir, 'docker')).nodes;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const st = (await fetchAllStatuses(nodes)).get(id);
      const identity = (() => { try { return JSON.parse(readFileSync(join(nodeDir(id), 'identity.json'), 'utf8')) as { state: string }; } catch { return null; } })();
      if (st && st.commitIndex >= commitBefore && identity?.state === 'member') return;
      if (Date.now() > deadline) assert.unreachable(`${id} did not catch up within ${timeoutMs} ms: ${JSON.stringify(st)} identity ${JSON.stringify(identity)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function leaderCommit(): Promise<number> {
    const leader = leaderOf(await fetchAllStatuses(hostConfig(record, join(dataDir, 'docker')).nodes));
    assert.ok(leader, 'a leader');
    return leader!.commitIndex;
  }

  test('disk-loss on a container: wiped on the host while stopped; healed by a later process, it rejoins catching up and catches up', async () => {
    await writes(20);
    const commitBefore = await leaderCommit();
    assert.ok(readdirSync(join(nodeDir('node3'), 'raft')).length > 0, 'node3 holds its log on the host');
    const r = await inject([{ kind: 'disk-loss', target: { role: 'node', node: 'node3' } }]);
    assert.is((await runtime.info('node3')).state, 'stopped');
    assert.equal(readdirSync(nodeDir('node3')), [], 'node3\'s data wiped');
    await r.kill();
    const heal = cli(['chaos/heal-cli.ts', '--runtime', 'docker']);
    assert.is(heal.code, 0, heal.out);
    assert.match(heal.out, /started node3/);
    await caughtUp('node3', commitBefore);
    assert.match(await runtime.logs('node3', 400), /node3: empty, rejoining a formed cluster: not voting until caught up/);
    await assertNothingLeft();
  });

  test('power-loss on a container: SIGKILLed, unsynced writes cut on the host, started with its files given back to the container user', async () => {
    await writes(10);
    const commitBefore = await leaderCommit();
    const r = await inject([{ kind: 'power-loss', target: { role: 'node', node: 'node2' } }]);
    assert.is((await runtime.info('node2')).state, 'stopped');
    // The cut rewrote node2's sync ledger as this (host) process's user.
    const ledger = join(nodeDir('node2'), 'raft', '.sync-ledger.json');
    assert.ok(existsSync(ledger), 'node2 ran with a sync ledger');
    await r.kill();
    const heal = cli(['chaos/heal-cli.ts', '--runtime', 'docker']);
    assert.is(heal.code, 0, heal.out);
    assert.match(heal.out, /started node2/);
    await caughtUp('node2', commitBefore);
    if (process.getuid?.() === 0) {
      for (const f of ['', 'raft', 'raft/.sync-ledger.json']) assert.is(statSync(join(nodeDir('node2'), f)).uid, 1000, `owner of node2/${f}`);
    }
    await assertNothingLeft();
  });

  test.run();
}
