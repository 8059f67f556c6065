import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrayFifo } from './array-fifo.ts';

test('items leave in the order they came, across many prefix drops', () => {
  const q = new ArrayFifo<number>([0, 1, 2]);
  let next = 3;
  const out: number[] = [];
  // Two pushes per shift for a while, then drain: the head passes the compaction point often.
  for (let i = 0; i < 10_000; i++) {
    q.push(next++);
    if (i % 2 === 0) q.push(next++);
    out.push(q.shift()!);
  }
  assert.is(q.length, next - out.length);
  assert.is(q.peek(), out.length);
  assert.equal(q.toArray(), Array.from({ length: q.length }, (_, j) => out.length + j));
  while (q.length > 0) out.push(q.shift()!);
  assert.equal(out, Array.from({ length: next }, (_, j) => j));
  assert.is(q.shift(), undefined);
  assert.is(q.peek(), undefined);
  assert.equal(q.toArray(), []);
});

test.run();
