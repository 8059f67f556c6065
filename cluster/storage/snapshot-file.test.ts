import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeFrame } from './record-codec.ts';
import { readSnapshotFile, snapshotName, writeSnapshotFile } from './snapshot-file.ts';
import { encodeSnapshot, RecordType } from './wal-records.ts';

// The streamed writer must produce exactly the frame the in-memory encoder would.
test('a streamed snapshot file is byte for byte the encoded frame, across chunk boundaries and surrogate pairs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snapshot-file-'));
  try {
    // Emoji (surrogate pairs) placed to straddle the 1 MiB chunk boundary, plus 2- and 3-byte characters.
    const filler = 'a'.repeat((1 << 20) - 1);
    const data = `${filler}😀é€${filler}😀${'ü'.repeat(5000)}end`;
    const snapshot = { index: 123_456, term: 7, data };
    await writeSnapshotFile(dir, snapshot, true);
    const bytes = readFileSync(join(dir, snapshotName(123_456, 7)));
    assert.ok(bytes.equals(encodeFrame(RecordType.snapshot, encodeSnapshot(snapshot))), 'same bytes as encodeFrame(encodeSnapshot(s))');
    const back = await readSnapshotFile(dir, snapshotName(123_456, 7));
    assert.equal(back, snapshot);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
