import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StorageError } from './errors.ts';
import { FileStorage } from './file-storage.ts';
import type { FileStorageOptions } from './file-storage.ts';
import type { DurableState } from './raft-storage.ts';
import { writeSnapshotFile } from './snapshot-file.ts';
import { entries, tempDir } from './storage-fixtures.ts';

const noBatch = { hardState: null, entries: [], snapshot: null };

async function open(dir: string, opts: Partial<FileStorageOptions> = {}): Promise<{ s: FileStorage; state: DurableState }> {
  const s = new FileStorage({ dir, ...opts });
  return { s, state: await s.load() };
}

async function reload(dir: string, opts: Partial<FileStorageOptions> = {}): Promise<DurableState> {
  const { s, state } = await open(dir, opts);
  await s.close();
  return state;
}

function files(dir: string, prefix: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith(prefix)).sort();
}

async function code(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return (e as StorageError).code; }
  return 'resolved';
}

function withDir(name: string, fn: (dir: string) => Promise<void>): void {
  test(name, async () => {
    const t = tempDir();
    try { await fn(t.dir); } finally { t.remove(); }
  });
}

withDir('a new directory loads as empty state and round-trips entries and hard state', async (dir) => {
  const { s, state } = await open(join(dir, 'node-1'));
  assert.equal(state, { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] });
  await s.persist({ hardState: { term: 1, vote: 'n2', commit: 0 }, entries: entries(1, 3, 1), snapshot: null });
  await s.persist({ hardState: { term: 1, vote: 'n2', commit: 2 }, entries: [{ index: 4, term: 1, kind: 'noop', data: 'é ✓ 😀 \u0000' }], snapshot: null });
  await s.close();
  assert.equal(await reload(join(dir, 'node-1')), {
    hardState: { term: 1, vote: 'n2', commit: 2 },
    snapshot: null,
    entries: [...entries(1, 3, 1), { index: 4, term: 1, kind: 'noop', data: 'é ✓ 😀 \u0000' }],
  });
});

withDir('an overwritten suffix (conflicting entries) stays overwritten after reload', async (dir) => {
  const { s } = await open(dir);
  await s.persist({ ...noBatch, entries: entries(1, 10, 1) });
  await s.persist({ ...noBatch, entries: entries(6, 7, 2) });
  await s.close();
  assert.equal((await reload(dir)).entries, [...entries(1, 5, 1), ...entries(6, 7, 2)]);
});

withDir('the last hard state wins, a batch without one keeps the previous', async (dir) => {
  const { s } = await open(dir);
  await s.persist({ ...noBatch, hardState: { term: 3, vote: 'n1', commit: 0 } });
  await s.persist({ ...noBatch, hardState: { term: 4, vote: null, commit: 0 } });
  await s.persist({ ...noBatch, entries: entries(1, 1, 4) });
  await s.close();
  assert.equal((await reload(dir)).hardState, { term: 4, vote: null, commit: 0 });
});

withDir('compaction writes the snapshot, deletes old segments and snapshots; reload gives snapshot + the rest', async (dir) => {
  const { s } = await open(dir, { segmentBytesMax: 200 });
  for (let i = 1; i <= 30; i++) await s.persist({ hardState: { term: 1, vote: 'n1', commit: i - 1 }, entries: entries(i, i, 1), snapshot: null });
  assert.ok(files(dir, 'wal-').length > 5, 'small segments rotated');
  await s.compact({ index: 10, term: 1, data: 'state@10' });
  await s.compact({ index: 25, term: 1, data: 'state@25' });
  assert.equal(files(dir, 'snap-'), ['snap-0000000000000025-0000000000000001.snap']);
  assert.is(files(dir, 'wal-').length, 1, 'only the checkpoint segment is left');
  await s.persist({ ...noBatch, entries: entries(31, 31, 1) });
  await s.close();
  const state = await reload(dir, { segmentBytesMax: 200 });
  assert.equal(state.snapshot, { index: 25, term: 1, data: 'state@25' });
  assert.equal(state.entries, entries(26, 31, 1));
  assert.equal(state.hardState, { term: 1, vote: 'n1', commit: 29 });
});

withDir('an install-snapshot batch replaces a conflicting log, and survives reload', async (dir) => {
  const { s } = await open(dir);
  await s.persist({ ...noBatch, entries: entries(1, 8, 1) });
  await s.persist({ hardState: { term: 2, vote: null, commit: 5 }, snapshot: { index: 5, term: 2, data: 'leader@5' }, entries: entries(6, 6, 2) });
  await s.persist({ ...noBatch, entries: entries(7, 7, 2) });
  await s.close();
  assert.equal(await reload(dir), {
    hardState: { term: 2, vote: null, commit: 5 },
    snapshot: { index: 5, term: 2, data: 'leader@5' },
    entries: entries(6, 7, 2),
  });
});

withDir('an install-snapshot batch matching the log keeps what follows it', async (dir) => {
  const { s } = await open(dir);
  await s.persist({ ...noBatch, entries: entries(1, 8, 1) });
  await s.persist({ ...noBatch, snapshot: { index: 5, term: 1, data: 'at5' } });
  await s.close();
  const state = await reload(dir);
  assert.equal(state.entries, entries(6, 8, 1));
});

withDir('segments rotate at the configured size and reload reads across them', async (dir) => {
  const { s } = await open(dir, { segmentBytesMax: 1000 });
  for (let i = 1; i <= 100; i++) await s.persist({ ...noBatch, entries: entries(i, i, 1) });
  await s.close();
  const wal = files(dir, 'wal-');
  assert.ok(wal.length >= 4, `got ${wal.length} segments`);
  // A segment is closed before a write would take it past the limit.
  for (const name of wal) assert.ok(statSync(join(dir, name)).size <= 1000, `${name} too big`);
  assert.equal((await reload(dir, { segmentBytesMax: 1000 })).entries, entries(1, 100, 1));
});

withDir('a batch that only moves the commit index is written but not synced; a new term or vote is synced', async (dir) => {
  const { s } = await open(dir);
  await s.persist({ ...noBatch, hardState: { term: 1, vote: 'n1', commit: 0 }, entries: entries(1, 3, 1) });
  const before = { ...s.stats };
  await s.persist({ ...noBatch, hardState: { term: 1, vote: 'n1', commit: 2 } });
  assert.is(s.stats.walWrites - before.walWrites, 1);
  assert.is(s.stats.walSyncs - before.walSyncs, 0, 'commit-only batch synced');
  await s.persist({ ...noBatch, hardState: { term: 2, vote: null, commit: 2 } });
  assert.is(s.stats.walSyncs - before.walSyncs, 1, 'term change not synced');
  await s.persist({ ...noBatch, hardState: { term: 2, vote: 'n2', commit: 3 } });
  assert.is(s.stats.walSyncs - before.walSyncs, 2, 'vote change not synced');
  await s.close();
  // A process crash keeps the page cache: the unsynced commit-only record is still read back.
  assert.equal((await reload(dir)).hardState, { term: 2, vote: 'n2', commit: 3 });
});

withDir('calls made while a sync is in flight share the next single write and sync, in call order', async (dir) => {
  const { s } = await open(dir);
  const before = { ...s.stats };
  const first = s.persist({ ...noBatch, entries: entries(1, 1, 1) });
  await new Promise((r) => setImmediate(r)); // the first group is now being written or synced
  const rest: Promise<boolean>[] = [];
  for (let i = 2; i <= 40; i++) rest.push(s.persist({ ...noBatch, hardState: { term: 1, vote: null, commit: i - 1 }, entries: entries(i, i, 1) }));
  await Promise.all([first, ...rest]);
  assert.is(s.stats.persistCalls - before.persistCalls, 40);
  assert.is(s.stats.walWrites - before.walWrites, 2);
  assert.is(s.stats.walSyncs - before.walSyncs, 2);
  await s.close();
  const state = await reload(dir);
  assert.equal(state.entries, entries(1, 40, 1));
  assert.is(state.hardState.commit, 39);
});

withDir('a call that breaks the contract is rejected alone, the rest of its group commits', async (dir) => {
  const { s } = await open(dir);
  const ok1 = s.persist({ ...noBatch, entries: entries(1, 2, 1) });
  const bad = s.persist({ ...noBatch, entries: entries(9, 9, 1) });
  const ok2 = s.persist({ ...noBatch, entries: entries(3, 3, 1) });
  assert.is(await code(bad), 'INVALID_ARGUMENT');
  await Promise.all([ok1, ok2]);
  await s.close();
  assert.equal((await reload(dir)).entries, entries(1, 3, 1));
});

withDir('a torn snapshot temp file is ignored and removed', async (dir) => {
  const { s } = await open(dir);
  await s.persist({ ...noBatch, entries: entries(1, 4, 1) });
  await s.compact({ index: 2, term: 1, data: 'good' });
  await s.close();
  writeFileSync(join(dir, 'snap-0000000000000004-0000000000000001.snap.tmp'), Buffer.from([1, 2, 3]));
  const state = await reload(dir);
  assert.equal(state.snapshot, { index: 2, term: 1, data: 'good' });
  assert.equal(state.entries, entries(3, 4, 1));
  assert.equal(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
});

withDir('a crash between the snapshot file and its checkpoint: load applies the snapshot and writes the checkpoint', async (dir) => {
  const { s } = await open(dir);
  await s.persist({ ...noBatch, entries: entries(1, 6, 1) });
  await s.close();
  await writeSnapshotFile(dir, { index: 4, term: 1, data: 'orphan' }, true);
  const state = await reload(dir);
  assert.equal(state.snapshot, { index: 4, term: 1, data: 'orphan' });
  assert.equal(state.entries, entries(5, 6, 1));
  assert.is(files(dir, 'wal-').length, 1);
  assert.equal(await reload(dir), state);
});

withDir('a checkpoint whose snapshot file is gone refuses with SNAPSHOT_MISSING', async (dir) => {
  const { s } = await open(dir);
  await s.persist({ ...noBatch, entries: entries(1, 6, 1) });
  await s.compact({ index: 4, term: 1, data: 'x' });
  await s.close();
  rmSync(join(dir, files(dir, 'snap-')[0]!));
  assert.is(await code(reload(dir)), 'SNAPSHOT_MISSING');
});

withDir("fsync 'never' still round-trips and reports its policy", async (dir) => {
  const { s } = await open(dir, { fsync: 'never', segmentBytesMax: 300 });
  assert.is(s.fsyncPolicy, 'never');
  for (let i = 1; i <= 20; i++) await s.persist({ hardState: { term: 1, vote: null, commit: i }, entries: entries(i, i, 1), snapshot: null });
  await s.compact({ index: 5, term: 1, data: 'five' });
  assert.is(s.stats.walSyncs, 0);
  await s.close();
  const state = await reload(dir, { fsync: 'never' });
  assert.equal(state.entries, entries(6, 20, 1));
  assert.equal(state.hardState.commit, 20);
});

withDir('lifecycle and options errors carry codes', async (dir) => {
  assert.throws(() => new FileStorage({ dir, segmentBytesMax: 0 }), (e: StorageError) => e.code === 'INVALID_OPTIONS');
  assert.throws(() => new FileStorage({ dir, fsync: 'sometimes' as never }), (e: StorageError) => e.code === 'INVALID_OPTIONS');
  const s = new FileStorage({ dir });
  assert.is(await code(s.persist(noBatch)), 'NOT_LOADED');
  await s.load();
  assert.is(await code(s.load()), 'ALREADY_LOADED');
  const pending = s.persist({ ...noBatch, entries: entries(1, 1, 1) });
  await s.close();
  await pending; // close waits for calls already made
  assert.is(await code(s.persist(noBatch)), 'CLOSED');
  assert.ok(existsSync(join(dir, files(dir, 'wal-')[0]!)));
});

withDir('after a failed write every later call fails with STORAGE_FAILED', async (dir) => {
  const data = join(dir, 'data');
  const { s } = await open(data, { segmentBytesMax: 100 });
  await s.persist({ ...noBatch, entries: entries(1, 3, 1) });
  rmSync(data, { recursive: true }); // the next rotation cannot create its segment
  const first = s.persist({ ...noBatch, entries: entries(4, 8, 1) });
  assert.is(await code(first), 'ENOENT');
  assert.is(await code(s.persist({ ...noBatch, entries: entries(4, 4, 1) })), 'STORAGE_FAILED');
  assert.is(await code(s.compact({ index: 1, term: 1, data: '' })), 'STORAGE_FAILED');
  await s.close();
});

test.run();
