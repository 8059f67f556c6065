// Where the shared Jepsen fixtures live: read in place, never copied into the project.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Test } from 'uvu';
import { z } from 'zod';

const repoRoot = resolve(new URL('../..', import.meta.url).pathname);

export class FixturesMissingError extends Error {
  readonly code = 'FIXTURES_MISSING';
  constructor(readonly lookedAt: string) {
    super(`linearizability fixtures not found at ${lookedAt} (set LINEARIZABILITY_FIXTURES to the directory holding expected.json)`);
    this.name = 'FixturesMissingError';
  }
}

/** $LINEARIZABILITY_FIXTURES, else ../shared/fixtures/linearizability beside the repo root. */
export function locateFixturesDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.LINEARIZABILITY_FIXTURES ?? resolve(repoRoot, '../shared/fixtures/linearizability');
  if (!existsSync(join(dir, 'expected.json'))) throw new FixturesMissingError(dir);
  return dir;
}

export interface Fixture {
  path: string;
  format: 'jepsen-cas' | 'jepsen-kv';
  linearizable: boolean;
}

const expectedSchema = z.object({
  'jepsen-etcd': z.record(z.string(), z.boolean()),
  kv: z.record(z.string(), z.boolean()),
});

export function listFixtures(dir: string): Fixture[] {
  const expected = expectedSchema.parse(JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')));
  const cas = Object.entries(expected['jepsen-etcd']).map(([name, ok]): Fixture => ({ path: join(dir, 'jepsen-etcd', name), format: 'jepsen-cas', linearizable: ok }));
  const kvs = Object.entries(expected.kv).map(([name, ok]): Fixture => ({ path: join(dir, 'kv', name), format: 'jepsen-kv', linearizable: ok }));
  return [...cas, ...kvs].sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * A test that needs the fixtures. Without them it is skipped, printing `[skip] <reason>` for the
 * test runner to list; under CI=true it runs and fails with that reason instead.
 */
export function fixturesTest(test: Test, name: string, body: (dir: string) => void | Promise<void>, env: NodeJS.ProcessEnv = process.env): void {
  let dir: string;
  try {
    dir = locateFixturesDir(env);
  } catch (e) {
    if (!(e instanceof FixturesMissingError)) throw e;
    if (env.CI === 'true') {
      test(name, () => { throw new Error(`${e.message}; CI=true, so a missing fixture fails`); });
    } else {
      console.log(`[skip] ${name}: ${e.message}`);
      test.skip(name, () => undefined);
    }
    return;
  }
  test(name, () => body(dir));
}
