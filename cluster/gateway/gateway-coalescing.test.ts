import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { call, startRig, waitFor } from './test-helpers.ts';
import type { FakeNode } from './test-fake-node.ts';

function batchSizes(node: FakeNode): number[] {
  return node.calls('/api/batch').map((c) => (c.body as { ops: unknown[] }).ops.length);
}

test('concurrent writes become a few batches and every client gets its own answer', async () => {
  const rig = await startRig();
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    const node1 = rig.cluster.node('node1');
    // A leader that takes 20 ms per batch, so writes pile up behind the one in flight.
    node1.intercept = (c) => (c.path === '/api/batch' ? { kind: 'delay', ms: 20 } : undefined);
    rig.cluster.state.kv.set('c0', 'start');
    const n = 120;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => {
      if (i % 3 === 0) return call(rig.gateway.url, 'POST', '/api/write', { data: { i }, source: 'coalesce' });
      if (i % 3 === 1) return call(rig.gateway.url, 'PUT', `/api/kv/p${i}`, { value: `v${i}` });
      // Only the cas on c0 that expects "start" can win; the others see what it wrote.
      return call(rig.gateway.url, 'POST', '/api/kv/c0/cas', { expect: 'start', value: `won-by-${i}` });
    }));
    const sizes = batchSizes(node1);
    assert.is(sizes.reduce((a, b) => a + b, 0), n, 'every write was sent exactly once');
    assert.ok(sizes.length < n / 4, `expected few batches, got ${sizes.length}: ${sizes.join(',')}`);
    assert.is(node1.calls('/api/write').length + node1.calls('/api/kv/*').length, 0, 'no single-op calls');
    let casWins = 0;
    answers.forEach((a, i) => {
      assert.is(a.status, 200, `client ${i}`);
      if (i % 3 === 0) assert.equal(rig.cluster.state.records.get(a.body.entryId)?.data, { i }, `client ${i} got its own entry`);
      else if (i % 3 === 1) assert.equal(a.body, { success: true, value: `v${i}` });
      else if (a.body.success) { casWins++; assert.is(a.body.value, `won-by-${i}`); }
      else assert.match(a.body.value, /^won-by-\d+$/);
    });
    assert.is(casWins, 1);
    const entryIds = answers.filter((_, i) => i % 3 === 0).map((a) => a.body.entryId as number);
    assert.is(new Set(entryIds).size, entryIds.length, 'distinct entry ids');
  } finally { await rig.close(); }
});

test('a lone write is sent at once, as a batch of one', async () => {
  const rig = await startRig();
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    const a = await call(rig.gateway.url, 'POST', '/api/write', { data: 1, source: 's' });
    assert.is(a.status, 200);
    assert.equal(batchSizes(rig.cluster.node('node1')), [1]);
    assert.equal(rig.cluster.node('node1').calls('/api/batch').map((c) => c.streamed), [true], 'sent on the batch stream');
  } finally { await rig.close(); }
});

test('with batchStream off, each batch is its own POST /api/batch', async () => {
  const rig = await startRig({ batchStream: false });
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    const answers = await Promise.all([1, 2, 3].map((i) => call(rig.gateway.url, 'PUT', `/api/kv/s${i}`, { value: `v${i}` })));
    assert.equal(answers.map((a) => a.status), [200, 200, 200]);
    const batches = rig.cluster.node('node1').calls('/api/batch');
    assert.ok(batches.length >= 1 && batches.every((c) => c.streamed === undefined));
    assert.equal(batchSizes(rig.cluster.node('node1')).reduce((a, b) => a + b, 0), 3);
  } finally { await rig.close(); }
});

test('batches are capped at 256 ops', async () => {
  const rig = await startRig({ failoverDeadlineMs: 5000 });
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    const node1 = rig.cluster.node('node1');
    node1.intercept = (c) => (c.path === '/api/batch' ? { kind: 'delay', ms: 50 } : undefined);
    const n = 600;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => call(rig.gateway.url, 'POST', '/api/write', { data: i, source: 'cap' })));
    assert.ok(answers.every((a) => a.status === 200));
    const sizes = batchSizes(node1);
    assert.is(sizes.reduce((a, b) => a + b, 0), n);
    assert.ok(Math.max(...sizes) <= 256, `largest batch ${Math.max(...sizes)}`);
    assert.ok(sizes.length >= 3);
  } finally { await rig.close(); }
});

test('a batch refused with 421 sends each of its writes to the hinted leader, each applied once', async () => {
  const rig = await startRig({ statusPollMs: 10_000 });
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    const node1 = rig.cluster.node('node1');
    node1.intercept = (c) => (c.path === '/api/batch' ? { kind: 'delay', ms: 30 } : undefined);
    // The first write goes alone; the rest queue behind it, then node1 loses leadership.
    const first = call(rig.gateway.url, 'POST', '/api/write', { data: 'first', source: 's' });
    await waitFor('the first batch in flight', () => node1.received.length === 1);
    const rest = Array.from({ length: 20 }, (_, i) => call(rig.gateway.url, 'POST', '/api/write', { data: i, source: 's' }));
    rig.cluster.elect('node2');
    const answers = await Promise.all([first, ...rest]);
    assert.ok(answers.every((a) => a.status === 200), JSON.stringify(answers.map((a) => a.status)));
    assert.is(rig.cluster.state.applied.length, 21);
    assert.is(new Set(answers.map((a) => a.body.entryId)).size, 21);
    assert.ok(rig.cluster.node('node2').calls('/api/batch').length >= 1);
  } finally { await rig.close(); }
});

test('with coalescing off each write uses its own single-op endpoint', async () => {
  const rig = await startRig({ coalesceWrites: false });
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    const answers = await Promise.all([
      call(rig.gateway.url, 'POST', '/api/write', { data: 1, source: 's' }),
      call(rig.gateway.url, 'PUT', '/api/kv/k', { value: 'v' }),
      call(rig.gateway.url, 'POST', '/api/kv/j/cas', { expect: null, value: 'w' }),
    ]);
    assert.equal(answers.map((a) => a.status), [200, 200, 200]);
    const node1 = rig.cluster.node('node1');
    assert.is(node1.calls('/api/batch').length, 0);
    assert.equal([node1.calls('/api/write').length, node1.calls('/api/kv/k').length, node1.calls('/api/kv/j/cas').length], [1, 1, 1]);
  } finally { await rig.close(); }
});

test.run();
