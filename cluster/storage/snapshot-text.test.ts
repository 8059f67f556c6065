import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileStorage } from './file-storage.ts';
import { piecedSnapshot, snapshotChars, snapshotPieces, snapshotUtf8Bytes } from './snapshot-text.ts';
import { entries, tempDir } from './storage-fixtures.ts';

test('a pieced snapshot joins only when data is read, and sends data (not pieces) as JSON', () => {
  const pieces = ['{"a":', '"é€"', ',"b":[1,2]}'];
  const s = piecedSnapshot(7, 2, pieces);
  assert.is(snapshotPieces(s), pieces);
  assert.is(snapshotChars(s), pieces.join('').length);
  assert.is(snapshotUtf8Bytes(s), Buffer.byteLength(pieces.join(''), 'utf8'));
  assert.equal(JSON.parse(JSON.stringify(s)), { index: 7, term: 2, data: pieces.join('') });
  assert.equal(snapshotPieces({ index: 1, term: 1, data: 'whole' }), ['whole']);
});

test('file storage writes a pieced snapshot byte for byte as the joined text, and a lone surrogate in a piece is refused', async () => {
  const t = tempDir();
  try {
    const s = new FileStorage({ dir: t.dir });
    await s.load();
    await s.persist({ hardState: { term: 1, vote: null, commit: 20 }, entries: entries(1, 20, 1), snapshot: null });
    const pieces = Array.from({ length: 50 }, (_, i) => `{"piece":${i},"text":"${'ü'.repeat(30_000)}"}`);
    await s.compact(piecedSnapshot(15, 1, pieces));
    let refused = '';
    try { await s.compact(piecedSnapshot(18, 1, ['ok', '\ud800'])); } catch (e) { refused = (e as { code: string }).code; }
    assert.is(refused, 'INVALID_ARGUMENT');
    await s.close();
    const back = new FileStorage({ dir: t.dir });
    const state = await back.load();
    assert.is(state.snapshot?.index, 15);
    assert.ok(state.snapshot?.data === pieces.join(''), 'snapshot text differs after reload');
    assert.equal(state.entries, entries(16, 20, 1));
    await back.close();
  } finally {
    t.remove();
  }
});

test.run();
