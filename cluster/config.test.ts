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

test('a port that fetch and browsers block is refused at configuration time with one line', async () => {
  for (const [vars, pattern] of [
    [{ GATEWAY_PORT: '10080' }, /^gateway port \(GATEWAY_PORT\) 10080 is one that Node's fetch and browsers refuse/],
    [{ GATEWAY_PORT: '6000' }, /GATEWAY_PORT\) 6000/],
    [{ RAFT_BASE_PORT: '6664' }, /node2 port \(RAFT_BASE_PORT\) 6665/],
    [{ RAFT_LINKS: 'toxiproxy', RAFT_PROXY_BASE_PORT: '10057' }, /links proxy port \(RAFT_PROXY_BASE_PORT\) 10080/],
  ] as const) {
    assert.throws(() => loadConfig({ ...base, ...vars }), (e: unknown) => e instanceof ConfigError && !e.message.includes('\n') && pattern.test(e.message), JSON.stringify(vars));
  }
  assert.equal(loadConfig({ ...base, GATEWAY_PORT: '10081' }).gateway.port, 10081);
  // The refusal is real: Node's fetch will not even try such a port.
  await assert.rejects(fetch('http://127.0.0.1:10080/'), (e: unknown) => /bad port/i.test(String((e as Error).cause ?? e)));
});

test.run();
