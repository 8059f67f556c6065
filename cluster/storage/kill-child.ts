// Child process for file-storage-kill.test.ts: appends entries forever, several calls in flight,
// and prints `acked <index>` once each persist resolves. The parent kills it with SIGKILL.
// Usage: node --import tsx cluster/storage/kill-child.ts <dir>
import type { Entry } from '../raft/messages.ts';
import { FileStorage } from './file-storage.ts';

export function killTestEntry(index: number): Entry {
  return { index, term: 1, kind: 'command', data: `entry-${index}-`.padEnd(64, '#') };
}

async function main(dir: string): Promise<void> {
  const storage = new FileStorage({ dir, segmentBytesMax: 16 * 1024 });
  const state = await storage.load();
  let next = (state.snapshot?.index ?? 0) + state.entries.length + 1;
  process.stdout.write(`loaded ${next - 1}\n`);
  const callers = Array.from({ length: 8 }, async () => {
    for (;;) {
      const index = next++;
      await storage.persist({ entries: [killTestEntry(index)], hardState: { term: 1, vote: 'n1', commit: index }, snapshot: null });
      process.stdout.write(`acked ${index}\n`);
      if (index % 500 === 0) await storage.compact({ index: index - 100, term: 1, data: `sm-${index - 100}` });
    }
  });
  await Promise.all(callers);
}

if (process.argv[1]?.endsWith('kill-child.ts')) await main(process.argv[2]!);
