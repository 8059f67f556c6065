// Other people's histories with other people's verdicts: the 80 Jepsen etcd register logs and 4
// kv logs, read in place from the shared fixtures directory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkLinearizable } from './linearizability.ts';
import { FixturesMissingError, fixturesTest, listFixtures, locateFixturesDir } from './fixtures-location.ts';
import { loadJepsenHistory } from './load-history.ts';

// Skipped (with where it looked) when the fixtures are absent; failed instead under CI=true.
fixturesTest(test, 'every fixture gets the verdict in expected.json', (dir) => {
  const fixtures = listFixtures(dir);
  assert.is(fixtures.filter((f) => f.format === 'jepsen-cas').length, 80);
  assert.is(fixtures.filter((f) => f.format === 'jepsen-kv').length, 4);
  const wrong: string[] = [];
  for (const f of fixtures) {
    const { ops, model } = loadJepsenHistory(f.path, f.format);
    const r = checkLinearizable(model, ops, { budgetMs: 60_000 });
    if (r.valid !== f.linearizable) wrong.push(`${f.path}: expected ${f.linearizable}, got ${r.valid}`);
    if (r.valid === false) assert.ok(r.counterexample !== undefined && r.counterexample.window.length > 0, f.path);
  }
  assert.equal(wrong, []);
});

test('a missing fixtures directory is reported with where it looked', () => {
  try {
    locateFixturesDir({ LINEARIZABILITY_FIXTURES: '/nonexistent/fixtures' });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, FixturesMissingError);
    assert.match((e as Error).message, '/nonexistent/fixtures');
  }
});

test('without fixtures a fixture test is skipped with the reason, and fails under CI=true', async () => {
  const env = { LINEARIZABILITY_FIXTURES: '/nonexistent/fixtures' };
  const seen: string[] = [];
  const fake = Object.assign((name: string, fn: () => unknown) => { seen.push(`test ${name}`); try { fn(); } catch (e) { seen.push(`threw ${(e as Error).message}`); } },
    { skip: (name: string) => { seen.push(`skip ${name}`); } });
  const log = console.log;
  const printed: string[] = [];
  console.log = (line: string) => { printed.push(line); };
  try {
    fixturesTest(fake as never, 'needs fixtures', () => { seen.push('ran'); }, env);
  } finally { console.log = log; }
  assert.equal(seen, ['skip needs fixtures']);
  assert.match(printed.join('\n'), /^\[skip\] needs fixtures: linearizability fixtures not found at \/nonexistent\/fixtures/);
  seen.length = 0;
  fixturesTest(fake as never, 'needs fixtures', () => { seen.push('ran'); }, { ...env, CI: 'true' });
  assert.is(seen.length, 2);
  assert.match(seen[1]!, /threw linearizability fixtures not found at \/nonexistent\/fixtures.*CI=true/);
});

test.run();
