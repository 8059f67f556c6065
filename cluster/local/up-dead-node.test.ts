// `just up` must not call a node started when it died at once: the real CLI, a real cluster, and
// a node2 whose write-ahead log has a corrupt record in the middle.
import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localCliSandbox, type CliRun } from '../../test/local-cli-harness.ts';
import { clusterToken } from '../common/client-credentials.ts';

const { dataDir, basePort, records, cli } = await localCliSandbox({
  prefix: 'up-dead-node-', ports: 10, timeoutMs: 60_000,
  env: (base) => ({ RAFT_BASE_PORT: String(base), GATEWAY_PORT: String(base + 9), RAFT_LINKS: 'direct' }),
});

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
    // The CLI's `up` made this cluster's admin token; a test process must send it like any client.
    const token = clusterToken(dataDir);
    const res = await fetch(`http://127.0.0.1:${basePort + 9}/api/write`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ data: { i } }),
    });
    assert.is(res.status, 200);
  }
}

function assertNamesDeadNode2(run: CliRun): void {
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
