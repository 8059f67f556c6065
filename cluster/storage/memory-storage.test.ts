// The contract's semantics, checked on the twin (file-storage tests check the disk reproduces them).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StorageError } from './errors.ts';
import { MemoryStorage } from './memory-storage.ts';
import { entries } from './storage-fixtures.ts';

const noBatch = { hardState: null, entries: [], snapshot: null };

async function loaded(): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  await s.load();
  return s;
}

async function code(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return (e as StorageError).code; }
  return 'resolved';
}

test('starts empty', async () => {
  assert.equal(await new MemoryStorage().load(), { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] });
});

test('an entry replaces the stored one at its index and everything after it', async () => {
  const s = await loaded();
  await s.persist({ ...noBatch, entries: entries(1, 5, 1) });
  await s.persist({ ...noBatch, entries: entries(3, 3, 2) });
  assert.equal(s.current().entries, [...entries(1, 2, 1), ...entries(3, 3, 2)]);
});

test('a gap, a non-contiguous batch and a malformed entry are refused without effect', async () => {
  const s = await loaded();
  await s.persist({ ...noBatch, entries: entries(1, 2, 1) });
  assert.is(await code(s.persist({ ...noBatch, entries: entries(4, 4, 1) })), 'INVALID_ARGUMENT');
  assert.is(await code(s.persist({ ...noBatch, entries: [...entries(3, 3, 1), ...entries(5, 5, 1)] })), 'INVALID_ARGUMENT');
  assert.is(await code(s.persist({ ...noBatch, entries: [{ index: 3, term: -1, kind: 'command', data: '' }] })), 'INVALID_ARGUMENT');
  // UTF-8 on disk cannot carry a lone surrogate; storing U+FFFD instead would change the data.
  assert.is(await code(s.persist({ ...noBatch, entries: [{ index: 3, term: 1, kind: 'command', data: 'a\ud800' }] })), 'INVALID_ARGUMENT');
  assert.equal(s.current().entries, entries(1, 2, 1));
});

test('install snapshot matching the log keeps the entries after it', async () => {
  const s = await loaded();
  await s.persist({ ...noBatch, entries: entries(1, 6, 1) });
  await s.persist({ ...noBatch, snapshot: { index: 4, term: 1, data: 'S4' } });
  assert.equal(s.current().entries, entries(5, 6, 1));
  assert.equal(s.current().snapshot, { index: 4, term: 1, data: 'S4' });
});

test('install snapshot not matching the log discards every entry, then the batch appends after it', async () => {
  const s = await loaded();
  await s.persist({ ...noBatch, entries: entries(1, 6, 1) });
  await s.persist({ hardState: { term: 2, vote: null, commit: 4 }, snapshot: { index: 4, term: 2, data: 'S4' }, entries: entries(5, 5, 2) });
  assert.equal(s.current(), { hardState: { term: 2, vote: null, commit: 4 }, snapshot: { index: 4, term: 2, data: 'S4' }, entries: entries(5, 5, 2) });
});

test('install snapshot beyond the log leaves it empty; an older snapshot is refused', async () => {
  const s = await loaded();
  await s.persist({ ...noBatch, entries: entries(1, 2, 1) });
  await s.persist({ ...noBatch, snapshot: { index: 10, term: 3, data: 'S10' } });
  assert.equal(s.current().entries, []);
  assert.is(await code(s.persist({ ...noBatch, snapshot: { index: 9, term: 3, data: 'S9' } })), 'SNAPSHOT_OUT_OF_DATE');
  assert.is(await code(s.persist({ ...noBatch, entries: entries(12, 12, 3) })), 'INVALID_ARGUMENT');
  await s.persist({ ...noBatch, entries: entries(11, 11, 3) });
  assert.is(s.current().entries.length, 1);
});

test('compaction drops entries up to its index; a stale one is ignored; one past the log or with the wrong term is refused', async () => {
  const s = await loaded();
  await s.persist({ ...noBatch, entries: entries(1, 5, 1) });
  await s.compact({ index: 3, term: 1, data: 'S3' });
  assert.equal(s.current().entries, entries(4, 5, 1));
  await s.compact({ index: 2, term: 1, data: 'S2' });
  assert.equal(s.current().snapshot?.index, 3);
  assert.is(await code(s.compact({ index: 6, term: 1, data: '' })), 'INVALID_ARGUMENT');
  assert.is(await code(s.compact({ index: 4, term: 2, data: '' })), 'INVALID_ARGUMENT');
  // Entries at or below the snapshot are covered by it and skipped.
  await s.persist({ ...noBatch, entries: entries(2, 6, 1) });
  assert.equal(s.current().entries, entries(4, 6, 1));
});

test('lifecycle errors carry codes', async () => {
  const s = new MemoryStorage();
  assert.is(await code(s.persist(noBatch)), 'NOT_LOADED');
  await s.load();
  assert.is(await code(s.load()), 'ALREADY_LOADED');
  await s.close();
  assert.is(await code(s.persist(noBatch)), 'CLOSED');
});

test.run();
