// Power loss on real files: what the storage did not fsync is dropped by powerCut, at record
// boundaries and at arbitrary bytes, and the storage still loads everything it had synced.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../common/rng.ts';
import { FileStorage } from './file-storage.ts';
import { powerCut, type PowerCutAction } from './power-cut.ts';
import { entries, tempDir } from './storage-fixtures.ts';
import { noteCreate, noteDirSynced, noteRename, noteSynced, setSyncLedgerEnabled } from './sync-ledger.ts';

setSyncLedgerEnabled(true);

test('power cut: synced entries survive, the unsynced commit-only writes are cut at records or mid-record', async () => {
  const t = tempDir();
  try {
    const src = join(t.dir, 'src');
    const s = new FileStorage({ dir: src, fsync: 'always' });
    await s.load();
    await s.persist({ hardState: { term: 1, vote: 'a', commit: 0 }, entries: entries(1, 3, 1), snapshot: null });
    // Commit-only batches are written but not synced (raft-storage.ts mustSync).
    for (let c = 1; c <= 3; c++) await s.persist({ hardState: { term: 1, vote: 'a', commit: c }, entries: [], snapshot: null });
    await s.close();
    const all: PowerCutAction[] = [];
    const commits = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const dir = join(t.dir, `cut-${seed}`);
      cpSync(src, dir, { recursive: true });
      all.push(...powerCut(dir, new Rng(seed)).actions);
      const back = new FileStorage({ dir });
      const state = await back.load();
      await back.close();
      assert.equal(state.entries.map((e) => e.index), [1, 2, 3], `seed ${seed}: synced entries kept`);
      assert.is(state.hardState.term, 1);
      commits.add(state.hardState.commit);
    }
    const cuts = all.filter((a) => a.action === 'truncated');
    assert.ok(cuts.length > 0, 'some cuts dropped unsynced bytes');
    assert.ok(commits.has(0) && commits.size > 1, `commits after cuts: ${[...commits].join(',')}`);
    // Frames are 9-byte headers plus payload: a cut that is not a whole commit record is torn.
    const sizes = new Set(cuts.map((a) => a.toBytes));
    assert.ok(sizes.size >= 4, `cut points: ${[...sizes].join(',')}`);
  } finally {
    t.remove();
  }
});

test('power cut: with fsync never, nothing was durable and the segment is gone', async () => {
  const t = tempDir();
  try {
    const s = new FileStorage({ dir: t.dir, fsync: 'never' });
    await s.load();
    await s.persist({ hardState: { term: 2, vote: null, commit: 0 }, entries: entries(1, 5, 2), snapshot: null });
    await s.close();
    const r = powerCut(t.dir, new Rng(7));
    assert.ok(r.actions.some((a) => a.action === 'removed'), JSON.stringify(r.actions));
    const back = new FileStorage({ dir: t.dir });
    const state = await back.load();
    await back.close();
    assert.equal(state.entries, []);
    assert.is(state.hardState.term, 0);
  } finally {
    t.remove();
  }
});

test('power cut: an unsynced rename is undone, a directory fsync makes it stick', () => {
  const t = tempDir();
  try {
    const make = (name: string, dirSync: boolean) => {
      const tmp = join(t.dir, `${name}.tmp`);
      noteCreate(tmp);
      writeFileSync(tmp, 'snapshot bytes');
      noteSynced(tmp, 14);
      noteRename(tmp, join(t.dir, name));
      renameSync(tmp, join(t.dir, name));
      if (dirSync) noteDirSynced(t.dir);
    };
    make('kept.snap', true);
    make('lost.snap', false);
    powerCut(t.dir, new Rng(1));
    const names = readdirSync(t.dir).filter((n) => !n.startsWith('.'));
    assert.equal(names, ['kept.snap'], 'a temp file never made durable goes with its rename');
    assert.ok(!existsSync(join(t.dir, 'lost.snap.tmp')));
  } finally {
    t.remove();
  }
});

test('power cut: Raft files without a ledger are refused with a clear error', () => {
  const t = tempDir();
  try {
    mkdirSync(join(t.dir, 'raft'));
    writeFileSync(join(t.dir, 'raft', 'wal-0000000001.log'), 'x');
    assert.throws(() => powerCut(t.dir, new Rng(1)), /RAFT_SYNC_LEDGER=1/);
  } finally {
    t.remove();
  }
});

test('power cut: a node wiped and not yet written holds nothing to drop', () => {
  const t = tempDir();
  try {
    assert.equal(powerCut(t.dir, new Rng(1)), { ledgers: 0, actions: [] });
  } finally {
    t.remove();
  }
});

test.run();
