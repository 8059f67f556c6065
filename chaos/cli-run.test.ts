// just chaos end to end: with no cluster up it starts one on the configured ports, runs, stops it;
// the seed is the first line, the run folder the last.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../cluster/config.ts';
import { ProcessManager } from '../cluster/local/process-manager.ts';
import { findFreePortRange } from '../cluster/local/port-check.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'chaos-cli-run-'));
const runDirs: string[] = [];

test.after(() => {
  // Whatever happened, leave nothing running from this data dir.
  const manager = new ProcessManager(dataDir);
  for (const p of manager.list()) if (p.alive) try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
  rmSync(dataDir, { recursive: true, force: true });
  for (const d of runDirs) rmSync(d, { recursive: true, force: true });
});

async function env(): Promise<NodeJS.ProcessEnv> {
  // Nodes, gateway, proxy link ports and the proxy API from one free range (as the test harness does).
  const base = await findFreePortRange(4 + 42);
  return {
    ...process.env, RAFT_DATA_DIR: dataDir, RAFT_NODES: '3', RAFT_BASE_PORT: String(base), GATEWAY_PORT: String(base + 3),
    RAFT_PROXY_BASE_PORT: String(base + 4), TOXIPROXY_URL: `http://127.0.0.1:${base + 4 + 41}`,
  };
}

function run(e: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'chaos/cli.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: e });
  const lines = r.stdout.trim().split('\n');
  runDirs.push(lines.at(-1)!);
  return { code: r.status, lines, stderr: r.stderr };
}

test('leader-kill, 1 trial: seed first, run folder last, exit 0, the cluster it started is gone', async () => {
  const e = await env();
  const r = run(e, 'leader-kill', '--trials', '1', '--seed', '1234', '--rate', '20', '--duration', '300ms');
  assert.is(r.code, 0, `${r.lines.join('\n')}\n${r.stderr}`);
  assert.is(r.lines[0], 'seed 1234');
  const runDir = r.lines.at(-1)!;
  assert.ok(existsSync(join(runDir, 'results.json')), runDir);
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  assert.is(results.verdict, 'valid');
  assert.is(results.seed, 1234);
  assert.ok(r.lines.some((l) => /^trial 1\/1 {2}kill node\d \(leader/.test(l)), 'progress line');
  assert.ok(r.lines.some((l) => /^election ms +n=1 /.test(l)), 'election percentiles');
  assert.ok(r.lines.includes('verdict: valid'));
  const manager = new ProcessManager(dataDir);
  assert.equal(manager.list().filter((p) => p.alive).map((p) => p.name), [], 'no process left running');
});

test.run();
