import assert from 'node:assert/strict';
import { test } from 'uvu';
import { ConfigError, loadConfig } from './config.ts';

const base = { RAFT_CONFIG: '' } as NodeJS.ProcessEnv;

test('snapshots: entries and the log-to-snapshot ratio, from defaults and from the environment', () => {
  const d = loadConfig(base);
  assert.deepEqual([d.raft.snapshotEntries, d.raft.snapshotLogRatio], [10_000, 1]);
  const e = loadConfig({ ...base, RAFT_SNAPSHOT_ENTRIES: '500', RAFT_SNAPSHOT_LOG_RATIO: '0.5' });
  assert.deepEqual([e.raft.snapshotEntries, e.raft.snapshotLogRatio], [500, 0.5]);
  assert.equal(loadConfig({ ...base, RAFT_SNAPSHOT_LOG_RATIO: '0' }).raft.snapshotLogRatio, 0);
});

test('a bad ratio is refused with the variable named, not read as NaN or clamped', () => {
  for (const bad of ['-1', 'abc', '1e3', '.5', '0.5x']) {
    assert.throws(() => loadConfig({ ...base, RAFT_SNAPSHOT_LOG_RATIO: bad }), (e: unknown) => e instanceof ConfigError && e.message.includes('RAFT_SNAPSHOT_LOG_RATIO'), bad);
  }
  assert.throws(() => loadConfig({ ...base, RAFT_SNAPSHOT_LOG_RATIO: '101' }), (e: unknown) => e instanceof ConfigError && /snapshotLogRatio/.test(e.message));
});

test.run();
