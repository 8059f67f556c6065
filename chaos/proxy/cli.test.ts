// The foreground CLI as `just toxiproxy` runs it: a --config file is loaded before serving, the
// proxies in it carry bytes, SIGTERM exits 0, and bad input is one line on stderr with a non-zero
// exit. The server runs in a child process on ephemeral ports.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startEchoServer, type EchoServer } from './echo-server.ts';
import { SocketProbe } from './socket-probe.ts';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'chaos/proxy/cli.ts');
let dir: string;
let echo: EchoServer;

function runCli(args: string[]): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no Listening line in 20 s: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"message":"Listening"'));
      if (line) { clearTimeout(timer); resolve((JSON.parse(line) as { url: string }).url); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${out}`)); });
  });
  return { child, url };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) { resolve(child.exitCode); return; }
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(null); }, 10_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
}

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'toxiproxy-cli-'));
  echo = await startEchoServer();
});

test.after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await echo.close();
});

test('--config creates the proxies before serving; they carry bytes; SIGTERM exits 0', async () => {
  const config = join(dir, 'toxiproxy.json');
  writeFileSync(config, JSON.stringify([
    { name: 'echo', listen: '127.0.0.1:0', upstream: echo.address, enabled: true },
    { name: 'off', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
  ]));
  const { child, url } = runCli(['--host', '127.0.0.1', '--port=0', '-config', config, '--seed', '7']);
  try {
    const client = new Toxiproxy(await url);
    const proxies = await client.getAll();
    assert.equal(Object.keys(proxies), ['echo', 'off']);
    assert.is(proxies.off!.enabled, false);
    const listen = proxies.echo!.listen;
    const probe = await SocketProbe.connect(Number(listen.slice(listen.lastIndexOf(':') + 1)));
    assert.ok(await probe.roundTrip(Buffer.from('through the cli'), 5000) !== undefined);
    probe.destroy();
  } finally {
    child.kill('SIGTERM');
  }
  assert.is(await exitCode(child), 0);
});

test('bad input: one line on stderr and a non-zero exit', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '[{"name":"x","listen":"127.0.0.1:0"}]');
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /flag provided but not defined: -bogus/],
    [['--port', 'abc'], /invalid port "abc"/],
    [['--config', join(dir, 'missing.json')], /cannot read config .*ENOENT/],
    [['--config', bad], /missing required field: upstream at proxy 1/],
  ];
  for (const [args, pattern] of cases) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    assert.is.not(r.status, 0, args.join(' '));
    assert.match(r.stderr, pattern);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('the API port in use is a clean error', async () => {
  const { child, url } = runCli(['--host', '127.0.0.1', '--port', '0']);
  try {
    const port = new URL(await url).port;
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--host', '127.0.0.1', '--port', port], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    assert.is.not(r.status, 0);
    assert.is(r.stderr.trim(), `toxiproxy: listen tcp 127.0.0.1:${port}: bind: address already in use`);
  } finally {
    child.kill('SIGTERM');
  }
  assert.is(await exitCode(child), 0);
});

test('`npx just toxiproxy --version` reaches this CLI', () => {
  const r = spawnSync('npx', ['just', 'toxiproxy', '--version'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'toxiproxy-server version 2.12.0');
});

test.run();
