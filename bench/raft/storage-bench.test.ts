import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatStorageBenchTable, runStorageBench, StorageBenchOptionsError } from './storage-bench.ts';
import type { StorageBenchResult } from './storage-bench.ts';

test('a short run writes results.json with every case, its histograms, and removes its WAL', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'storage-bench-'));
  try {
    const r = await runStorageBench({ runDir, durationMsPerCase: 150, concurrency: 8, entryBytes: 50 });
    const onDisk = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as StorageBenchResult;
    assert.equal(onDisk, r);
    assert.equal(r.cases.map((c) => [c.name, c.fsync, c.callers]), [
      ['sequential-fsync', 'always', 1], ['group-commit-fsync', 'always', 8], ['sequential-no-fsync', 'never', 1],
    ]);
    for (const c of r.cases) {
      assert.ok(c.persists > 0 && c.latency.count === c.persists, `${c.name} counted every persist`);
      assert.ok(c.latency.p50Ms <= c.latency.p99Ms && c.latency.p99Ms <= c.latency.maxMs, `${c.name} percentiles ordered`);
      assert.ok(existsSync(join(runDir, `${c.name}.hgrm`)));
    }
    assert.is(r.cases[0]!.walSyncs, r.cases[0]!.persists, 'sequential: one sync per persist');
    assert.is(r.cases[2]!.walSyncs, 0, 'fsync never: no sync');
    assert.ok(!existsSync(join(runDir, 'data')));
    assert.ok(formatStorageBenchTable(r).includes('group-commit-fsync'));
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
});

test('bad options are refused up front with a hint', async () => {
  try {
    await runStorageBench({ durationMsPerCase: 0 });
    assert.unreachable('accepted a zero duration');
  } catch (e) {
    assert.instance(e, StorageBenchOptionsError);
    assert.match((e as Error).message, /durationMsPerCase must be a positive integer/);
  }
});

test.run();
