import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Entry } from '../raft/messages.ts';
import { FileStorage } from './file-storage.ts';

const entries = (from: number, to: number, term = 1): Entry[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ index: from + i, term, kind: 'command' as const, data: `e${from + i}` }));

// compact() writes the snapshot file before its op joins the queue, so a persist issued while
// the file is written is not held behind it. Whatever overtakes it, reload must be exact.
test('a compaction overtaken by an installed snapshot leaves a loadable, exact state', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'compact-ahead-'));
  try {
    const s = new FileStorage({ dir });
    await s.load();
    await s.persist({ hardState: { term: 1, vote: 'n1', commit: 100 }, entries: entries(1, 100), snapshot: null });
    const compacting = s.compact({ index: 50, term: 1, data: 'state@50' });
    const installing = s.persist({ hardState: { term: 1, vote: 'n1', commit: 80 }, entries: [], snapshot: { index: 80, term: 1, data: 'state@80' } });
    const appending = s.persist({ hardState: null, entries: entries(101, 110), snapshot: null });
    await Promise.all([compacting, installing, appending]);
    await s.close();
    const again = new FileStorage({ dir });
    const state = await again.load();
    await again.close();
    assert.is(state.snapshot?.index, 80);
    assert.is(state.snapshot?.data, 'state@80');
    assert.equal(state.entries.map((e) => e.index), Array.from({ length: 30 }, (_, i) => 81 + i));
    assert.equal(readdirSync(dir).filter((n) => n.endsWith('.snap')).length, 1, 'older snapshot files were deleted');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('persist calls made during a compaction complete and the compaction holds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'compact-ahead-'));
  try {
    const s = new FileStorage({ dir });
    await s.load();
    await s.persist({ hardState: { term: 1, vote: null, commit: 200 }, entries: entries(1, 200), snapshot: null });
    const big = { index: 150, term: 1, data: 'x'.repeat(8 * 1024 * 1024) };
    const compacting = s.compact(big);
    const appends = [201, 211, 221].map((from) => s.persist({ hardState: null, entries: entries(from, from + 9), snapshot: null }));
    await Promise.all([compacting, ...appends]);
    await s.close();
    const again = new FileStorage({ dir });
    const state = await again.load();
    await again.close();
    assert.is(state.snapshot?.index, 150);
    assert.is(state.snapshot?.data.length, big.data.length);
    assert.is(state.entries[0]?.index, 151);
    assert.is(state.entries[state.entries.length - 1]?.index, 230);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A deleteFile that holds every deletion until `release()`; `started` counts the calls. */
function heldDeletions() {
  let open!: () => void;
  const gate = new Promise<void>((r) => { open = r; });
  const held = { started: 0, release: () => open() };
  const deleteFile = async (path: string): Promise<void> => {
    held.started++;
    await gate;
    await unlink(path);
  };
  return { held, deleteFile };
}

test('writes after a compaction complete while its garbage is still being deleted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'compact-ahead-'));
  try {
    const { held, deleteFile } = heldDeletions();
    const s = new FileStorage({ dir, deleteFile });
    await s.load();
    await s.persist({ hardState: { term: 1, vote: null, commit: 100 }, entries: entries(1, 100), snapshot: null });
    let compacted = false;
    const compacting = s.compact({ index: 60, term: 1, data: 'state@60' }).then(() => { compacted = true; });
    // The checkpoint is written and deletion has begun (and is held) before this persist runs.
    while (held.started === 0) await new Promise((r) => setTimeout(r, 1));
    // Bounded, so a write that waits for the held deletion fails here instead of hanging the file.
    const persisted = s.persist({ hardState: { term: 1, vote: null, commit: 110 }, entries: entries(101, 110), snapshot: null }).then(() => 'persisted');
    let timer!: NodeJS.Timeout;
    const stuck = new Promise((r) => { timer = setTimeout(r, 10_000, 'still waiting'); });
    const first = await Promise.race([persisted, stuck]);
    clearTimeout(timer);
    assert.is(first, 'persisted', 'the write waited for the held deletion');
    assert.is(compacted, false, 'compact() waits for its deletion');
    assert.is(held.started, 1, 'one deletion at a time: the second waits for the first');
    held.release();
    await compacting;
    await s.close();
    assert.equal(readdirSync(dir).filter((n) => n.endsWith('.log')).length, 1, 'the segment before the checkpoint is gone');
    const state = await new FileStorage({ dir }).load();
    assert.is(state.snapshot?.data, 'state@60');
    assert.equal([state.entries[0]?.index, state.entries.at(-1)?.index, state.hardState.commit], [61, 110, 110]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a deletion that fails stops the storage: the compaction and later writes are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'compact-ahead-'));
  try {
    const s = new FileStorage({ dir, deleteFile: () => Promise.reject(Object.assign(new Error('EIO: i/o error, unlink'), { code: 'EIO' })) });
    await s.load();
    await s.persist({ hardState: { term: 1, vote: null, commit: 20 }, entries: entries(1, 20), snapshot: null });
    const compactErr = await s.compact({ index: 10, term: 1, data: 'state@10' }).then(() => null, (e: Error) => e);
    assert.match(String(compactErr?.message), /EIO/);
    const persistErr = await s.persist({ hardState: null, entries: entries(21, 21), snapshot: null }).then(() => null, (e: Error) => e);
    assert.ok(persistErr instanceof Error, 'a write after the failed deletion is refused');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
