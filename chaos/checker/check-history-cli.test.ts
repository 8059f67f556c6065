// The CLI as a user runs it: a child process, judged by exit code and output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesTest, listFixtures } from './fixtures-location.ts';
import { formatHistoryJsonl } from '../../reports/run-files/history-file.ts';
import { HistoryBuilder } from './test-histories.ts';

// As `just check-history` starts it: the launcher, which (re)builds the bundle when a source is newer.
const cli = new URL('./check-history.cjs', import.meta.url).pathname;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const dir = mkdtempSync(join(tmpdir(), 'check-history-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

fixturesTest(test, 'exit 0 for a linearizable fixture, 1 with a counterexample for one that is not', (fixturesDir) => {
  const fixtures = listFixtures(fixturesDir);
  const good = fixtures.find((f) => f.format === 'jepsen-cas' && f.linearizable)!;
  const bad = fixtures.find((f) => f.format === 'jepsen-kv' && !f.linearizable)!;
  const ok = run(good.path, '--format', 'jepsen-cas');
  assert.is(ok.code, 0, ok.err);
  assert.match(ok.out, /: linearizable .* ms\)/);
  const not = run(bad.path, '--format', 'jepsen-kv');
  assert.is(not.code, 1, not.err);
  assert.match(not.out, /NOT linearizable/);
  // Refuted by the search (stuck) or, for a read missing a finished write, before it (impossible).
  assert.match(not.out, /stuck: no order of these \d+ ops fits before|no sequence of the \d+ ops of key "\w+" can give what this one returned:\n  p\d+ get/);
});

test('a jepsen-cas log with spaces instead of tabs is judged, not refused', () => {
  const lines = ['0 :invoke :write 1', '0 :ok :write 1', '1 :invoke :read nil', '1 :ok :read 1', '1 :invoke :read nil', '1 :ok :read 2'];
  const file = join(dir, 'spaced.log');
  writeFileSync(file, lines.slice(0, 4).map((l) => `INFO  jepsen.util - ${l}`).join('\n'));
  const ok = run(file, '--format', 'jepsen-cas');
  assert.is(ok.code, 0, ok.err);
  writeFileSync(file, lines.map((l) => `INFO jepsen.util -  ${l.replaceAll(' ', '   ')}`).join('\n'));
  const bad = run(file, '--format', 'jepsen-cas');
  assert.is(bad.code, 1, bad.err);
});

test('exit 2 when the budget runs out', () => {
  // A stale read (99 was overwritten) behind 26 pending info writes: the search must try their subsets.
  const h = new HistoryBuilder().call(100, 'write', 99, 99).call(100, 'write', 98, 98);
  for (let p = 0; p < 26; p++) h.invoke(p, 'write', p);
  for (let p = 0; p < 26; p++) h.info(p, 'write');
  h.call(26, 'read', null, 99);
  const file = join(dir, 'hard.jsonl');
  writeFileSync(file, formatHistoryJsonl(h.events));
  const r = run(file, '--format', 'jsonl', '--model', 'cas-register', '--budget-ms', '100');
  assert.is(r.code, 2, r.err);
  assert.match(r.out, /unknown \(budget exhausted \(100 ms\)/);
});

test('exit 64 with one line (plus usage) for bad usage, unreadable files and parse errors', () => {
  const garbled = join(dir, 'garbled.log');
  writeFileSync(garbled, 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t[1\n');
  const cases: [string[], RegExp][] = [
    [[], /missing FILE/],
    [['x.log'], /missing --format/],
    [['x.log', '--format', 'porcupine'], /unknown --format porcupine/],
    [['x.log', '--format', 'jepsen-cas', '--budget-ms', 'soon'], /--budget-ms must be a whole number/],
    [['x.log', '--format', 'jepsen-cas', '--wat'], /Unknown option '--wat'/],
    [[join(dir, 'absent.log'), '--format', 'jepsen-cas'], /cannot read .*absent\.log: ENOENT/],
    [[garbled, '--format', 'jepsen-cas'], /garbled\.log: line 2: bad value/],
    [[garbled, '--format', 'jsonl'], /jsonl needs --model/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.is(r.code, 64, `${args.join(' ')}: ${r.err}`);
    const [first, ...rest] = r.err.trimEnd().split('\n');
    assert.match(first ?? '', message);
    assert.ok(rest.every((l) => l.startsWith('usage:')), `no stack trace for ${args.join(' ')}:\n${r.err}`);
  }
});

test.run();
