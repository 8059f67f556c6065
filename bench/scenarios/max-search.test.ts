import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bestStep, nextConnections } from './max-search.ts';
import type { MaxStep } from './max-search.ts';

/** Drives the search against a model cluster: throughput and p99 as functions of connections. */
function search(model: (c: number) => Omit<MaxStep, 'connections'>, boundMs: number, cap: number): { tried: number[]; best: MaxStep | null } {
  const steps: MaxStep[] = [];
  for (let c = nextConnections(steps, boundMs, cap); c !== null; c = nextConnections(steps, boundMs, cap)) {
    assert.ok(steps.length < 30, 'the search must end');
    steps.push({ connections: c, ...model(c) });
  }
  return { tried: steps.map((s) => s.connections), best: bestStep(steps, boundMs) };
}

test('doubles until the bound breaks twice in a row, then bisects twice below the failing count', () => {
  // Throughput grows with connections; p99 = connections / 2 ms, so 100 connections is the edge.
  const r = search((c) => ({ okPerSec: 100 * c, p99Ms: c / 2, errorRate: 0 }), 50, 1024);
  assert.equal(r.tried, [1, 2, 4, 8, 16, 32, 64, 128, 128, 96, 112, 112]);
  assert.is(r.best?.connections, 96);
});

test('stops at the cap when nothing breaks', () => {
  const r = search((c) => ({ okPerSec: 10 * c, p99Ms: 1, errorRate: 0 }), 50, 16);
  assert.equal(r.tried, [1, 2, 4, 8, 16]);
  assert.is(r.best?.connections, 16);
});

test('a dip in throughput (noise on a shared machine) does not end the ladder', () => {
  // Measured on this project's 2-core machine: c1 261/s, c2 175/s, c4 227/s, all within 50 ms.
  const okPerSec: Record<number, number> = { 1: 261, 2: 175, 4: 227, 8: 500, 16: 900 };
  const r = search((c) => ({ okPerSec: okPerSec[c] ?? 1000, p99Ms: c >= 32 ? 60 : 10, errorRate: 0 }), 50, 1024);
  assert.equal(r.tried, [1, 2, 4, 8, 16, 32, 32, 24, 28]);
  assert.is(r.best?.okPerSec, 1000);
});

test('one slow measurement is run again, and passing the second time keeps the ladder going', () => {
  // Measured on this project's machine: c1 p99 50.6 ms over a 50 ms bound ended a whole search.
  let firstC1 = true;
  const r = search((c) => {
    const slow = c === 1 && firstC1;
    if (c === 1) firstC1 = false;
    return { okPerSec: 100 * c, p99Ms: slow ? 50.6 : c <= 8 ? 5 : 80, errorRate: 0 };
  }, 50, 1024);
  assert.equal(r.tried, [1, 1, 2, 4, 8, 16, 16, 12, 12, 10, 10]);
  assert.is(r.best?.connections, 8);
});

test('errors fail a step like latency does; nothing passing means no answer', () => {
  const r = search((c) => ({ okPerSec: 100 * c, p99Ms: 1, errorRate: c >= 4 ? 0.01 : 0 }), 50, 1024);
  assert.equal(r.tried, [1, 2, 4, 4, 3]);
  assert.is(r.best?.connections, 3);
  const none = search(() => ({ okPerSec: 100, p99Ms: 80, errorRate: 0 }), 50, 1024);
  assert.equal(none.tried, [1, 1]);
  assert.is(none.best, null);
});

test.run();
