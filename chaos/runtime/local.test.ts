// LocalRuntime over real child processes: state transitions through kill/pause/resume/stop/
// start, the idempotence the ledger's undo steps rely on, typed errors, and logs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProcessManager } from '../../cluster/local/process-manager.ts';
import { LocalRuntime } from './local.ts';
import { RuntimeError } from './runtime.ts';

const dir = mkdtempSync(join(tmpdir(), 'local-runtime-'));
const manager = new ProcessManager(dir, { ownGroup: false, stopTimeoutMs: 2000 });
const runtime = new LocalRuntime(manager);
const script = "console.log('hello from sleeper'); process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)";

test.before(async () => {
  await manager.start({ name: 'sleeper', command: process.execPath, args: ['-e', script] });
});
test.after(async () => {
  for (const name of manager.names()) await manager.stop(name).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(fn: () => Promise<unknown>): Promise<RuntimeError> {
  try { await fn(); } catch (err) { assert.instance(err, RuntimeError); return err as RuntimeError; }
  throw new Error('did not reject');
}

test('pause, resume, kill and start change the member state; a restart gets a new pid', async () => {
  const first = await runtime.info('sleeper');
  assert.is(first.state, 'running');
  await runtime.pause('sleeper');
  assert.is((await runtime.info('sleeper')).state, 'paused');
  await runtime.resume('sleeper');
  assert.is((await runtime.info('sleeper')).state, 'running');
  await runtime.kill('sleeper');
  assert.equal(await runtime.info('sleeper'), { name: 'sleeper', state: 'stopped', ref: null, uptimeMs: null });
  await runtime.start('sleeper');
  const again = await runtime.info('sleeper');
  assert.is(again.state, 'running');
  assert.is.not(again.ref, first.ref);
  assert.equal((await runtime.list()).map((m) => m.name), ['sleeper']);
});

test('undo steps are idempotent: start a running member, resume a running or stopped one, stop twice', async () => {
  const before = (await runtime.info('sleeper')).ref;
  await runtime.start('sleeper');
  await runtime.resume('sleeper');
  assert.is((await runtime.info('sleeper')).ref, before);
  await runtime.pause('sleeper');
  await runtime.start('sleeper');
  assert.is((await runtime.info('sleeper')).state, 'paused', 'start leaves a paused member to resume');
  await runtime.resume('sleeper');
  await runtime.stop('sleeper');
  await runtime.stop('sleeper');
  await runtime.resume('sleeper');
  assert.is((await runtime.info('sleeper')).state, 'stopped');
  assert.is((await rejection(() => runtime.pause('sleeper'))).code, 'RUNTIME_FAILED');
  await runtime.restart('sleeper');
  assert.is((await runtime.info('sleeper')).state, 'running');
});

test('unknown members are UNKNOWN_MEMBER; logs return the tail of the member log', async () => {
  assert.is((await rejection(() => runtime.info('nobody'))).code, 'UNKNOWN_MEMBER');
  assert.is((await rejection(() => runtime.start('nobody'))).code, 'UNKNOWN_MEMBER');
  assert.is((await rejection(() => runtime.logs('nobody', 5))).code, 'UNKNOWN_MEMBER');
  const logs = await runtime.logs('sleeper', 50);
  assert.match(logs, /hello from sleeper/);
});

test.run();
