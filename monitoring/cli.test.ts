// just monitoring's failure modes: each is one line on stderr and a non-zero exit, and nothing
// is left running. (Running Prometheus through the CLI is covered by live-queries.test.ts.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findFreePortRange } from '../cluster/local/port-check.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'monitoring-cli-'));
test.after(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'monitoring/cli.ts', ...args], {
    encoding: 'utf8', timeout: 30_000, env: { ...process.env, RAFT_DATA_DIR: dataDir, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderrLines: r.stderr.trim().split('\n').filter(Boolean) };
}

test('a missing binary is one line naming the package to install, exit 1', () => {
  const r = cli(['--port', '1'], { PROMETHEUS_BIN: join(dataDir, 'no-such-prometheus') });
  assert.is(r.status, 1);
  assert.is(r.stderrLines.length, 1, r.stderrLines.join('\n'));
  assert.match(r.stderrLines[0]!, /no-such-prometheus not found.*apt-get install -y prometheus/);
  assert.is(r.stdout, '');
});

test('a bad --port is a usage error, exit 64', () => {
  const r = cli(['--port', 'ninety']);
  assert.is(r.status, 64);
  assert.equal(r.stderrLines, ['error: --port must be a whole number, got "ninety"']);
});

test('a port already taken is one line, exit 1, before Prometheus starts', async () => {
  const port = await findFreePortRange(1);
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    const r = cli(['--port', String(port)]);
    assert.is(r.status, 1);
    assert.is(r.stderrLines.length, 1, r.stderrLines.join('\n'));
    assert.match(r.stderrLines[0]!, new RegExp(`port ${port} .*in use.*--port`));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test.run();
