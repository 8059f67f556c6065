// just chaos: usage mistakes are one line on stderr and exit 64, before any cluster is touched.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { experiments } from './experiments/registry.ts';
import { repoRoot } from '../cluster/config.ts';

// A data dir of its own: if the CLI wrongly went ahead, it would not find (or start) a real cluster there quietly.
const dataDir = mkdtempSync(join(tmpdir(), 'chaos-cli-'));
test.after(() => rmSync(dataDir, { recursive: true, force: true }));

function chaos(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'chaos/cli.ts', ...args], {
    cwd: repoRoot, encoding: 'utf8', timeout: 30_000, env: { ...process.env, RAFT_DATA_DIR: dataDir },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const [args, message] of [
  [['no-such-experiment'], /unknown experiment "no-such-experiment" \(experiments: leader-kill, /],
  [['leader-kill', '--trials', 'ten'], /--trials must be a whole number, got "ten"/],
  [['leader-kill', '--trials', '0'], /--trials must be between 1 and/],
  [['leader-kill', '--duration', 'soon'], /--duration must look like/],
  [['leader-kill', '--bogus'], /Unknown option '--bogus'/],
  [[], /which experiment\?/],
  [['leader-kill', '--workload', 'kv'], /--workload must be one of append, register, both, got "kv"/],
  [['leader-kill', '--workload', 'append', '--unsafe-stale-reads'], /--unsafe-stale-reads changes register reads/],
  [['leader-kill', '--check-budget', 'forever'], /--check-budget must look like/],
  [['leader-kill', '--keys', '0'], /--keys must be between 1 and 100/],
] as const) {
  test(`${args.join(' ') || '(no arguments)'}: one line, exit 64, nothing started`, () => {
    const r = chaos(...args);
    assert.is(r.code, 64, r.stderr);
    assert.is(r.stdout, '');
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(readdirSync(dataDir), [], 'no cluster state was written');
  });
}

test('list prints one line per experiment and exits 0', () => {
  const r = chaos('list');
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, experiments.length);
  for (const name of ['leader-kill', 'leader-pause', 'follower-kill', 'partition-leader', 'partition-bridge', 'flaky-network', 'slow-follower', 'rolling-restart', 'restart-all', 'random']) {
    assert.ok(lines.some((l) => l.startsWith(`${name} `)), name);
  }
});

test.run();
