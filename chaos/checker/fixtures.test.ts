// Other people's histories with other people's verdicts: the 80 Jepsen etcd register logs and 4
// kv logs, read in place from the shared fixtures directory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkLinearizable } from './linearizability.ts';
import { FixturesMissingError, listFixtures, locateFixturesDir } from './fixtures-location.ts';
import { loadHistory } from './load-history.ts';

test('every fixture gets the verdict in expected.json', () => {
  // Throws, failing this test, with the directory it looked in when the fixtures are absent.
  const fixtures = listFixtures(locateFixturesDir());
  assert.is(fixtures.filter((f) => f.format === 'jepsen-cas').length, 80);
  assert.is(fixtures.filter((f) => f.format === 'jepsen-kv').length, 4);
  const wrong: string[] = [];
  for (const f of fixtures) {
    const { ops, model } = loadHistory(f.path, f.format);
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

test.run();
