import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProcessManager, type ProcessRecord, type ProcessSpec } from './process-manager.ts';
import { hasEnded, readProcStat } from './proc-stat.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'process-manager-test-'));
const pm = new ProcessManager(dataDir, { stopTimeoutMs: 3000 });

// Leave no child behind whatever happens: SIGKILL every recorded group, synchronously.
process.on('exit', () => {
  for (const p of pm.list()) if (p.alive) try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
  rmSync(dataDir, { recursive: true, force: true });
});

/** A trivial long-running child; prints `ready` once its handlers are installed. */
function child(name: string, opts: { ignoreTerm?: boolean; exitOnTerm?: boolean } = {}): ProcessSpec {
  const lines = ['setInterval(() => {}, 1000);'];
  if (opts.ignoreTerm) lines.push(`process.on('SIGTERM', () => console.log('ignoring SIGTERM'));`);
  if (opts.exitOnTerm) lines.push(`process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0); });`);
  lines.push(`console.log('ready ' + process.pid + ' ' + (process.env.GREETING ?? ''));`);
  return { name, command: process.execPath, args: ['-e', lines.join('\n')], env: { GREETING: `hello-${name}` } };
}

async function waitForLog(name: string, text: string, manager = pm): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    let log = '';
    try { log = readFileSync(manager.logPath(name), 'utf8'); } catch { /* not yet */ }
    if (log.includes(text)) return log;
    if (Date.now() > deadline) throw new Error(`log of ${name} never showed "${text}"; it holds:\n${log}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test.after(async () => {
  for (const p of pm.list()) if (p.alive) await pm.kill(p.name);
});

test('start records the pid, logs output, and a fresh manager lists the process as running', async () => {
  const info = await pm.start(child('alpha'));
  assert.ok(info.pid > 0);
  assert.is(info.status, 'running');
  const log = await waitForLog('alpha', `ready ${info.pid} hello-alpha`);
  assert.match(log, /--- .* start alpha: /);
  const record = JSON.parse(readFileSync(join(dataDir, 'run', 'alpha.pid'), 'utf8')) as ProcessRecord;
  assert.is(record.pid, info.pid);
  assert.is(record.command, process.execPath);
  // A second invocation (another CLI run) knows nothing but the data dir.
  const later = new ProcessManager(dataDir);
  const listed = later.list().find((p) => p.name === 'alpha');
  assert.ok(listed);
  assert.is(listed.pid, info.pid);
  assert.is(listed.alive, true);
  assert.is(listed.paused, false);
  assert.ok(listed.uptimeMs !== null && listed.uptimeMs >= 0);
});

test('starting a name that is already running fails with PROCESS_RUNNING', async () => {
  try {
    await pm.start(child('alpha'));
    assert.unreachable('second start should throw');
  } catch (err) {
    assert.is((err as { code?: string }).code, 'PROCESS_RUNNING');
  }
});

test('pause shows paused (state T), resume clears it and the process keeps running', async () => {
  const paused = await pm.pause('alpha');
  assert.is(paused.paused, true);
  assert.is(paused.status, 'paused');
  assert.is(pm.info('alpha').paused, true);
  const resumed = await pm.resume('alpha');
  assert.is(resumed.paused, false);
  assert.is(resumed.status, 'running');
  assert.is(resumed.alive, true);
});

test('kill ends the process with SIGKILL; list shows it exited; start(name) runs the recorded command again', async () => {
  const before = pm.info('alpha');
  const result = await pm.kill('alpha');
  assert.is(result.wasRunning, true);
  assert.is(result.signal, 'SIGKILL');
  const after = pm.info('alpha');
  assert.is(after.alive, false);
  assert.is(after.status, 'exited');
  assert.is(after.uptimeMs, null);
  assert.is((await pm.kill('alpha')).wasRunning, false);
  try {
    await pm.pause('alpha');
    assert.unreachable('pausing a dead process should throw');
  } catch (err) {
    assert.is((err as { code?: string }).code, 'PROCESS_NOT_RUNNING');
  }
  const again = await pm.start('alpha');
  assert.is.not(again.pid, before.pid);
  await waitForLog('alpha', `ready ${again.pid} hello-alpha`);
  const restarted = await pm.restart('alpha');
  assert.is.not(restarted.pid, again.pid);
  assert.is(restarted.alive, true);
});

test('stop ends a well-behaved process with SIGTERM, even while it is paused', async () => {
  const info = await pm.start(child('beta', { exitOnTerm: true }));
  await waitForLog('beta', `ready ${info.pid}`);
  await pm.pause('beta');
  const result = await pm.stop('beta');
  assert.is(result.signal, 'SIGTERM');
  assert.ok(hasEnded(info.pid));
  await waitForLog('beta', 'got SIGTERM');
});

test('stop escalates to SIGKILL for a process that ignores SIGTERM', async () => {
  const info = await pm.start(child('stubborn', { ignoreTerm: true }));
  await waitForLog('stubborn', `ready ${info.pid}`);
  const result = await pm.stop('stubborn', 400);
  assert.is(result.wasRunning, true);
  assert.is(result.signal, 'SIGKILL');
  assert.ok(result.waitedMs >= 400, `waited ${result.waitedMs} ms`);
  await waitForLog('stubborn', 'ignoring SIGTERM');
  assert.is(pm.info('stubborn').alive, false);
});

test('stale pid files: a reused pid is reported stale and never signalled; a vanished pid is exited', async () => {
  // This test process stands in for an unrelated process that got the recorded pid.
  const reused: ProcessRecord = {
    name: 'reused', pid: process.pid, command: process.execPath, args: ['-e', 'x'], cwd: dataDir, env: {},
    startedAtMs: Date.now(), startTicks: 1, cmdline: null,
  };
  writeFileSync(join(dataDir, 'run', 'reused.pid'), JSON.stringify(reused));
  // Same pid without a recorded start time: the command line decides.
  writeFileSync(join(dataDir, 'run', 'reused-cmd.pid'), JSON.stringify({ ...reused, name: 'reused-cmd', startTicks: null }));
  const gone = await pm.start({ name: 'brief', command: process.execPath, args: ['-e', '0'] });
  const deadline = Date.now() + 5000;
  while (pm.info('brief').alive && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  const byName = new Map(new ProcessManager(dataDir).list().map((p) => [p.name, p]));
  assert.is(byName.get('reused')?.status, 'stale');
  assert.is(byName.get('reused')?.alive, false);
  assert.is(byName.get('reused-cmd')?.status, 'stale');
  assert.is(byName.get('brief')?.status, 'exited');
  assert.is(byName.get('brief')?.pid, gone.pid);
  const stopped = await pm.stop('reused');
  assert.is(stopped.wasRunning, false);
  assert.is((await pm.kill('reused-cmd')).wasRunning, false);
  // A stale record does not block starting the name again.
  pm.forget('reused');
  assert.is(pm.record('reused'), null);
});

test('errors carry stable codes: unknown name, invalid name, command that cannot be spawned', async () => {
  const codeOf = async (f: () => Promise<unknown>) => {
    try { await f(); } catch (err) { return (err as { code?: string }).code; }
    return 'no error';
  };
  assert.is(await codeOf(() => pm.stop('nobody')), 'PROCESS_UNKNOWN');
  assert.is(await codeOf(() => pm.start({ name: '../escape', command: process.execPath, args: [] })), 'PROCESS_NAME_INVALID');
  assert.is(await codeOf(() => pm.start({ name: 'missing', command: join(dataDir, 'no-such-binary'), args: [] })), 'PROCESS_SPAWN_FAILED');
});

test('process groups: by default a child leads its own group; with ownGroup false it stays in the caller\'s', async () => {
  const own = readProcStat(pm.info('alpha').pid);
  assert.is(own?.processGroup, pm.info('alpha').pid);
  const shared = new ProcessManager(join(dataDir, 'shared-group'), { ownGroup: false });
  const info = await shared.start(child('gamma'));
  try {
    await waitForLog('gamma', `ready ${info.pid}`, shared);
    assert.is(readProcStat(info.pid)?.processGroup, readProcStat(process.pid)?.processGroup);
    // Signals go to the pid alone: pausing the child must not stop this process's group.
    assert.is((await shared.pause('gamma')).paused, true);
    assert.is((await shared.resume('gamma')).paused, false);
    assert.is((await shared.stop('gamma')).signal, 'SIGTERM');
  } finally {
    await shared.kill('gamma');
  }
});

test.run();
