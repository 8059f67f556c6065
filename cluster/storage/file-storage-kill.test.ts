// A real process is SIGKILLed while it appends and compacts; every persist it saw resolve must
// be there after reload, and the log must be exactly the entries it sent, contiguous.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileStorage } from './file-storage.ts';
import { killTestEntry } from './kill-child.ts';
import { tempDir } from './storage-fixtures.ts';

const child = new URL('./kill-child.ts', import.meta.url).pathname;

/** Runs the child until it has acked `acks` persists past where it started, then SIGKILLs it. */
function runAndKill(dir: string, acks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    let maxAcked = 0;
    let count = 0;
    p.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^acked (\d+)$/.exec(line);
        if (!m) continue;
        maxAcked = Math.max(maxAcked, Number(m[1]));
        if (++count === acks) p.kill('SIGKILL');
      }
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(maxAcked);
      else reject(new Error(`child exited with code ${code} before it was killed`));
    });
  });
}

test('every acknowledged persist survives SIGKILL, across several kills with compactions between', async () => {
  const t = tempDir();
  try {
    const dir = join(t.dir, 'data');
    let mustHave = 0;
    let snapshots = 0;
    for (const acks of [300, 1200, 700]) {
      mustHave = Math.max(mustHave, await runAndKill(dir, acks));
      const s = new FileStorage({ dir, segmentBytesMax: 16 * 1024 });
      const state = await s.load();
      await s.close();
      const base = state.snapshot?.index ?? 0;
      const last = base + state.entries.length;
      assert.ok(last >= mustHave, `acked up to ${mustHave} but only ${last} survived`);
      state.entries.forEach((e, k) => assert.equal(e, killTestEntry(base + 1 + k)));
      if (state.snapshot) { assert.is(state.snapshot.data, `sm-${base}`); snapshots++; }
      assert.is(state.hardState.commit <= last, true);
    }
    assert.ok(snapshots > 0, 'the child compacted at least once');
  } finally {
    t.remove();
  }
});

test.run();
