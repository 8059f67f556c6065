// The generator as a user runs it: same seed, same file; a planted anomaly is judged not linearizable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = (name: string) => new URL(`./${name}`, import.meta.url).pathname;
const run = (name: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script(name), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), 'generate-history-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('one seed gives one file, and check-history judges the planted anomaly', () => {
  const small = ['--clients', '10', '--ops', '200', '--keys', '2', '--seed', '7'];
  const a = join(dir, 'a.txt');
  const b = join(dir, 'b.txt');
  const gen = run('generate-history-cli.ts', '--out', a, ...small, '--anomaly', 'stale-read');
  assert.is(gen.code, 0, gen.err);
  assert.match(gen.out, /^seed 7\n/);
  assert.is(run('generate-history-cli.ts', '--out', b, ...small, '--anomaly', 'stale-read').code, 0);
  assert.is(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
  assert.is(run('check-history-cli.ts', a, '--format', 'jepsen-kv').code, 1);
  assert.is(run('generate-history-cli.ts', '--out', b, ...small).code, 0);
  assert.is(run('check-history-cli.ts', b, '--format', 'jepsen-kv').code, 0);
});

test('bad arguments: one line, usage, exit 64', () => {
  for (const [args, message] of [[['--ops', '5'], /missing --out/], [['--out', join(dir, 'x'), '--anomaly', 'typo'], /unknown --anomaly typo/],
    [['--out', join(dir, 'x'), '--clients', '0'], /--clients must be a whole number >= 1/]] as [string[], RegExp][]) {
    const r = run('generate-history-cli.ts', ...args);
    assert.is(r.code, 64);
    assert.match(r.err.split('\n')[0]!, message);
  }
});

test.run();
