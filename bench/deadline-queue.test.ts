import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DeadlineQueue } from './deadline-queue.ts';

interface Item { id: number; deadlineMs: number; done: boolean }

test('expired items come out in dispatch order; finished ones are dropped, not returned', () => {
  const q = new DeadlineQueue<Item>();
  const items = Array.from({ length: 6 }, (_, id) => ({ id, deadlineMs: 100 + id * 10, done: false }));
  for (const i of items) q.push(i);
  items[1]!.done = true;
  items[4]!.done = true;
  assert.equal(q.takeExpired(99).map((i) => i.id), []);
  assert.equal(q.takeExpired(125).map((i) => i.id), [0, 2]);
  assert.equal(q.pending().map((i) => i.id), [3, 4, 5].filter((id) => id !== 4));
  // The head stops at the first live item whose deadline is ahead, even if later ones finished.
  items[5]!.done = true;
  assert.equal(q.takeExpired(131).map((i) => i.id), [3]);
  assert.equal(q.pending(), []);
});

test('compaction keeps the order and the pending set', () => {
  const q = new DeadlineQueue<Item>();
  const items = Array.from({ length: 5000 }, (_, id) => ({ id, deadlineMs: id, done: id % 3 === 0 }));
  for (const i of items) q.push(i);
  const expired = q.takeExpired(2999).map((i) => i.id);
  assert.equal(expired, items.slice(0, 3000).filter((i) => !i.done).map((i) => i.id));
  assert.equal(q.pending().map((i) => i.id), items.slice(3000).filter((i) => !i.done).map((i) => i.id));
});

test('a finished item is not kept alive once the sweep has passed it', async () => {
  // Kept alive until compaction, finished requests outlived scavenges and were promoted, and the
  // generator paused for the mark-compacts that followed (deadline-queue.ts).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const q = new DeadlineQueue<Item>();
  // Few enough that no compaction happens: only the emptied slots can let them go. Made in a
  // plain function: an async function's saved frame would hold the last one itself.
  const refs = pushFinished(q, 100);
  const live = { id: 100, deadlineMs: 1e9, done: false };
  q.push(live);
  assert.equal(q.takeExpired(0), []);
  await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets are held to the end of the job
  gc();
  assert.equal(refs.filter((r) => r.deref() !== undefined).length, 0);
  assert.equal(q.pending(), [live]);
});

function pushFinished(q: DeadlineQueue<Item>, count: number): WeakRef<Item>[] {
  const refs: WeakRef<Item>[] = [];
  for (let id = 0; id < count; id++) {
    const item = { id, deadlineMs: 1e9, done: true };
    refs.push(new WeakRef(item));
    q.push(item);
  }
  return refs;
}

test.run();
