// The suite: one exit code from many verdicts, seeds derived from one, and end to end (one
// short power-loss run through `chaos/cli.ts suite`): seed first, the node environment the
// experiment declares passed to the cluster it starts, one table, the cluster gone afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../cluster/config.ts';
import { ProcessManager } from '../cluster/local/process-manager.ts';
import { findFreePortRange } from '../cluster/local/port-check.ts';
import { experiments } from './experiments/registry.ts';
import { fullSuite } from './suite-plan.ts';
import { entrySeed, planFor, suiteExitCode, type SuiteRow } from './suite.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'chaos-suite-'));
const runDirs: string[] = [];

test.after(() => {
  const manager = new ProcessManager(dataDir);
  for (const p of manager.list()) if (p.alive) try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
  rmSync(dataDir, { recursive: true, force: true });
  for (const d of runDirs) rmSync(d, { recursive: true, force: true });
});

const row = (verdict: SuiteRow['verdict']): SuiteRow => ({ experiment: 'x', seed: 1, verdict, reason: '', runDir: null, seconds: 0 });

test('exit code: 1 if any invalid, else 2 if any unknown, else 0', () => {
  assert.is(suiteExitCode([row('valid'), row('valid')]), 0);
  assert.is(suiteExitCode([row('valid'), row('unknown')]), 2);
  assert.is(suiteExitCode([row('unknown'), row('invalid'), row('valid')]), 1);
});

test('the full plan names every registered experiment once; seeds derive from the suite seed alone', () => {
  assert.equal(fullSuite.map((e) => e.experiment).sort(), experiments.map((e) => e.name).sort());
  assert.is(entrySeed(42, 'leader-kill'), entrySeed(42, 'leader-kill'));
  assert.is.not(entrySeed(42, 'leader-kill'), entrySeed(43, 'leader-kill'));
  assert.is.not(entrySeed(42, 'leader-kill'), entrySeed(42, 'power-loss'));
  assert.equal(planFor(true, ['disk-loss', 'power-loss']).map((e) => [e.experiment, e.trials]), [['disk-loss', 1], ['power-loss', 1]]);
  assert.throws(() => planFor(false, ['no-such']), /unknown experiment "no-such"/);
});

test('suite --quick --only power-loss: seed first, the sync ledger passed to the nodes, one table, one exit code', async () => {
  const base = await findFreePortRange(4 + 42);
  const env = {
    ...process.env, RAFT_DATA_DIR: dataDir, RAFT_NODES: '3', RAFT_BASE_PORT: String(base), GATEWAY_PORT: String(base + 3),
    RAFT_PROXY_BASE_PORT: String(base + 4), TOXIPROXY_URL: `http://127.0.0.1:${base + 4 + 41}`,
  };
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'chaos/cli.ts', 'suite', '--quick', '--only', 'power-loss', '--seed', '77'],
    { cwd: repoRoot, encoding: 'utf8', timeout: 240_000, env });
  const lines = r.stdout.trim().split('\n');
  const out = `${r.stdout}\n${r.stderr}`;
  for (const l of lines) { const m = /\[power-loss\] (\/\S+)$/.exec(l); if (m) runDirs.push(m[1]!); }
  assert.is(lines[0], 'seed 77');
  assert.ok(lines.some((l) => /RAFT_SYNC_LEDGER=1 RAFT_FSYNC_DELAY_MS=15/.test(l)), out);
  assert.ok(lines.some((l) => /^experiment +verdict +seconds +reason +run folder$/.test(l)), out);
  // Safety must hold; a whole-cluster cold start on a loaded machine may exceed the liveness bound (unknown, exit 2).
  const valid = lines.some((l) => /^power-loss +valid /.test(l));
  assert.ok(valid || lines.some((l) => /^power-loss +unknown +\d+ +liveness: /.test(l)), out);
  assert.is(lines.at(-1), valid ? 'suite seed 77: 1/1 valid, exit 0' : 'suite seed 77: 0/1 valid, exit 2');
  assert.is(r.status, valid ? 0 : 2, out);
  assert.equal(new ProcessManager(dataDir).list().filter((p) => p.alive).map((p) => p.name), [], 'no process left running');
});

test('an unknown experiment in --only is a usage error', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'chaos/cli.ts', 'suite', '--only', 'nope'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 64, r.stderr);
  assert.match(r.stderr, /unknown experiment "nope" in --only/);
});

test.run();
