// `just up` must not call a node started when it died at once: the real CLI, a real cluster, and
// a node2 whose write-ahead log has a corrupt record in the middle.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../config.ts';
import { findFreePortRange } from './port-check.ts';
import { ProcessManager } from './process-manager.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'up-dead-node-'));
const basePort = await findFreePortRange(10);
const records = new ProcessManager(dataDir);

process.on('exit', () => {
  for (const p of records.list()) if (p.alive) try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
  rmSync(dataDir, { recursive: true, force: true });
});

interface Run { code: number | null; stdout: string; stderr: string }

function cli(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, RAFT_DATA_DIR: dataDir, RAFT_BASE_PORT: String(basePort), GATEWAY_PORT: String(basePort + 9), RAFT_LINKS: 'direct' };
  for (const k of ['RAFT_NODES', 'RAFT_FSYNC', 'RAFT_CONFIG']) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cluster/local/cli.ts', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Overwrites bytes inside node2's first WAL record, so a valid record follows a corrupt one. */
function corruptNode2Wal(): void {
  const dir = join(dataDir, 'node2', 'raft');
  const wal = readdirSync(dir).filter((n) => n.startsWith('wal-')).sort()[0];
  assert.ok(wal, `no WAL segment in ${dir}`);
  const fd = openSync(join(dir, wal), 'r+');
  try { writeSync(fd, Buffer.from([0xff, 0xff, 0xff]), 0, 3, 12); } finally { closeSync(fd); }
}

async function writeSome(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`http://127.0.0.1:${basePort + 9}/api/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { i } }) });
    assert.is(res.status, 200);
  }
}

function assertNamesDeadNode2(run: Run): void {
  assert.is.not(run.code, 0, `up should fail; stdout:\n${run.stdout}`);
  assert.not.match(run.stdout, /started node2|cluster up/);
  assert.match(run.stderr, /node2 exited, exit code [1-9]\d*/, run.stderr);
  assert.match(run.stderr, /corrupt WAL record .*WAL_CORRUPT/);
}

test('up on a cluster whose node2 cannot read its WAL: node2 exited, why, exit non-zero', async () => {
  const first = await cli('up');
  assert.is(first.code, 0, first.stderr);
  await writeSome();
  assert.is((await cli('down')).code, 0);
  corruptNode2Wal();
  const again = await cli('up');
  assertNamesDeadNode2(again);
  assert.equal(records.list().filter((p) => p.alive).map((p) => p.name), [], 'a failed up leaves nothing running');
});

test('up on a partly-up cluster restarting node2 with a corrupt WAL: not reported as started', async () => {
  rmSync(dataDir, { recursive: true, force: true });
  const first = await cli('up');
  assert.is(first.code, 0, first.stderr);
  await writeSome();
  const node2 = records.info('node2');
  process.kill(-node2.pid, 'SIGKILL');
  for (let i = 0; i < 100 && records.info('node2').alive; i++) await new Promise((r) => setTimeout(r, 20));
  corruptNode2Wal();
  const again = await cli('up');
  assertNamesDeadNode2(again);
  assert.is((await cli('down')).code, 0);
});

test.run();
