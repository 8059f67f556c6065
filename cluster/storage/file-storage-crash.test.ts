// Crash and damage on real files: every possible cut of the last write, every flipped byte of a
// record in the middle, and a crash inside a compaction.
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Entry } from '../raft/messages.ts';
import { WalCorruptError } from './errors.ts';
import { FileStorage } from './file-storage.ts';
import { MemoryStorage } from './memory-storage.ts';
import type { DurableState, PersistBatch } from './raft-storage.ts';
import { scanFrames } from './record-codec.ts';
import { entries, tempDir } from './storage-fixtures.ts';
import { isWalRecordType } from './wal-records.ts';

const noBatch = { hardState: null, entries: [], snapshot: null };

async function reload(dir: string): Promise<DurableState> {
  const s = new FileStorage({ dir });
  const state = await s.load();
  await s.close();
  return state;
}

function walFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith('wal-')).sort().map((n) => join(dir, n));
}

function frameBounds(path: string): Array<{ start: number; end: number }> {
  const buf = readFileSync(path);
  const r = scanFrames(buf, false, isWalRecordType);
  assert.is(r.kind, 'clean');
  return r.frames.map((f) => ({ start: f.offset, end: f.offset + 9 + f.payload.length }));
}

async function expectCorrupt(dir: string, path: string, offset: number, what: string): Promise<void> {
  try {
    await reload(dir);
  } catch (e) {
    assert.instance(e, WalCorruptError, what);
    const err = e as WalCorruptError;
    assert.is(err.code, 'WAL_CORRUPT');
    assert.is(err.path, path, what);
    assert.is(err.offsetBytes, offset, what);
    assert.ok(err.message.includes(path) && err.message.includes(`byte offset ${offset}`), err.message);
    return;
  }
  assert.unreachable(`${what}: load accepted a corrupt WAL`);
}

test('a cut at every byte of the last write recovers exactly the complete records before it, and appends work after', async () => {
  const t = tempDir();
  try {
    const source = join(t.dir, 'source');
    const earlier: PersistBatch[] = [
      { hardState: { term: 1, vote: 'n1', commit: 0 }, entries: entries(1, 3, 1), snapshot: null },
      { hardState: { term: 2, vote: 'n3', commit: 2 }, entries: entries(3, 4, 2), snapshot: null },
    ];
    // The last write: four records in one persist (entries, an overwrite of the suffix, hard state).
    const last: PersistBatch = { hardState: { term: 3, vote: 'n2', commit: 4 }, entries: entries(4, 6, 3), snapshot: null };
    const s = new FileStorage({ dir: source });
    await s.load();
    for (const b of earlier) await s.persist(b);
    const path = walFiles(source)[0]!;
    const lastStart = statSync(path).size;
    await s.persist(last);
    await s.close();
    const bounds = frameBounds(path).filter((f) => f.start >= lastStart);
    assert.is(bounds.length, 4);

    // Expected state after the first k records of the last write, from the twin.
    const lastRecords: PersistBatch[] = [
      ...last.entries.map((e: Entry) => ({ ...noBatch, entries: [e] })),
      { ...noBatch, hardState: last.hardState },
    ];
    const expected: DurableState[] = [];
    const twin = new MemoryStorage();
    await twin.load();
    for (const b of earlier) await twin.persist(b);
    expected.push(twin.current());
    for (const b of lastRecords) { await twin.persist(b); expected.push(twin.current()); }

    const full = readFileSync(path);
    const crash = join(t.dir, 'crash');
    for (let cut = lastStart; cut < full.length; cut++) {
      rmSync(crash, { recursive: true, force: true });
      cpSync(source, crash, { recursive: true });
      const crashPath = join(crash, 'wal-0000000000000001.log');
      writeFileSync(crashPath, full.subarray(0, cut));
      const complete = bounds.filter((f) => f.end <= cut);
      const want = expected[complete.length]!;

      const s2 = new FileStorage({ dir: crash });
      assert.equal(await s2.load(), want, `cut at ${cut}`);
      assert.is(statSync(crashPath).size, complete.at(-1)?.end ?? lastStart, `truncated to the last good record, cut at ${cut}`);
      const next = want.entries.length + 1;
      await s2.persist({ hardState: { term: 9, vote: null, commit: 1 }, entries: entries(next, next, 9), snapshot: null });
      await s2.close();
      const after = await reload(crash);
      assert.equal(after.entries, [...want.entries, ...entries(next, next, 9)], `append after cut at ${cut}`);
      assert.equal(after.hardState, { term: 9, vote: null, commit: 1 });
    }
  } finally {
    t.remove();
  }
});

test('a flipped byte anywhere in a middle record refuses to start, naming the file and the offset', async () => {
  const t = tempDir();
  try {
    const s = new FileStorage({ dir: t.dir });
    await s.load();
    for (let i = 1; i <= 3; i++) await s.persist({ hardState: null, entries: entries(i, i, 1), snapshot: null });
    await s.close();
    const path = walFiles(t.dir)[0]!;
    const frames = frameBounds(path);
    const middle = frames[2]!; // checkpoint, entry 1, entry 2, entry 3
    const good = readFileSync(path);
    for (let at = middle.start; at < middle.end; at++) {
      const bad = Buffer.from(good);
      bad[at]! ^= 0xff;
      writeFileSync(path, bad);
      await expectCorrupt(t.dir, path, middle.start, `flip at ${at}`);
    }
    writeFileSync(path, good);
    assert.equal((await reload(t.dir)).entries, entries(1, 3, 1), 'the WAL was left untouched by refusals');
  } finally {
    t.remove();
  }
});

test('damage at the end of a segment that is not the last is corruption, not a torn tail', async () => {
  const t = tempDir();
  try {
    const s = new FileStorage({ dir: t.dir, segmentBytesMax: 200 });
    await s.load();
    for (let i = 1; i <= 12; i++) await s.persist({ hardState: null, entries: entries(i, i, 1), snapshot: null });
    await s.close();
    const wal = walFiles(t.dir);
    assert.ok(wal.length >= 3);
    const path = wal[1]!;
    const lastFrame = frameBounds(path).at(-1)!;
    const buf = readFileSync(path);
    writeFileSync(path, buf.subarray(0, buf.length - 1));
    await expectCorrupt(t.dir, path, lastFrame.start, 'cut end of a closed segment');
  } finally {
    t.remove();
  }
});

test('a crash at any point of writing the checkpoint after a compaction recovers the compacted state', async () => {
  const t = tempDir();
  try {
    const source = join(t.dir, 'source');
    const before = join(t.dir, 'before');
    const s = new FileStorage({ dir: source });
    await s.load();
    await s.persist({ hardState: { term: 1, vote: 'n1', commit: 7 }, entries: entries(1, 8, 1), snapshot: null });
    await s.close();
    cpSync(source, before, { recursive: true });
    const s2 = new FileStorage({ dir: source });
    await s2.load();
    await s2.compact({ index: 6, term: 1, data: 'at-6' });
    await s2.close();
    const compacted = await reload(source);
    const [checkpointPath] = walFiles(source);
    const checkpoint = readFileSync(checkpointPath!);
    const snapName = readdirSync(source).find((n) => n.startsWith('snap-'))!;

    const crash = join(t.dir, 'crash');
    // Old segments still there (deletion comes after the checkpoint is durable), the snapshot
    // renamed into place, the new segment holding any prefix of its checkpoint record.
    for (let cut = 0; cut < checkpoint.length; cut++) {
      rmSync(crash, { recursive: true, force: true });
      cpSync(before, crash, { recursive: true });
      cpSync(join(source, snapName), join(crash, snapName));
      writeFileSync(join(crash, checkpointPath!.slice(source.length + 1)), checkpoint.subarray(0, cut));
      const state = await reload(crash);
      assert.equal(state, compacted, `cut at ${cut}`);
      assert.is(walFiles(crash).length, 1, `old segments deleted after recovery, cut at ${cut}`);
      assert.equal(await reload(crash), compacted);
    }
  } finally {
    t.remove();
  }
});

test.run();
