// uvu hides an error thrown in a before hook ("(0 / 1)", exit 0); run-all's preload prints it on
// one marked line, which run-all reports as the file's failure, and exits non-zero.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../cluster/config.ts';
import { hookErrorMarker } from './hook-errors.ts';

const run = (preload: string[]) => spawnSync(process.execPath, ['--import', 'tsx', ...preload, 'test/fixtures/before-hook-throws.ts'], {
  cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
});

test('without the preload uvu loses the error; with it the error is printed, marked, and the exit code is 1', () => {
  const bare = run([]);
  assert.is(bare.status, 0, 'uvu alone: exit 0');
  assert.not.match(bare.stderr + bare.stdout, /node2 not ready/);
  const wrapped = run(['--import', './test/hook-errors.ts']);
  assert.is(wrapped.status, 1, wrapped.stderr);
  assert.ok(wrapped.stderr.split('\n').includes(`${hookErrorMarker} cluster did not start: node2 not ready`), wrapped.stderr);
});

test.run();
