import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { call, startRig, waitFor } from './test-helpers.ts';
import type { ReceivedCall } from './test-fake-node.ts';

/** The (clientId, requestId) pairs a node received, from single calls and batches alike. */
function idsOf(calls: ReceivedCall[]): string[] {
  return calls.flatMap((c) => {
    const b = c.body as { ops?: { clientId: string; requestId: string }[]; clientId?: string; requestId?: string } | undefined;
    if (!b) return [];
    return (b.ops ?? [b]).map((o) => `${o.clientId}/${o.requestId}`);
  });
}

async function metric(url: string, pattern: RegExp): Promise<number> {
  const text = (await call(url, 'GET', '/metrics')).body as string;
  const m = pattern.exec(text);
  return m ? Number(m[1]) : 0;
}

for (const coalesceWrites of [true, false]) {
  test(`leader dies after applying a write but before answering: retried on the new leader, applied once (coalesce ${coalesceWrites})`, async () => {
    const rig = await startRig({ coalesceWrites });
    try {
      await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
      const node1 = rig.cluster.node('node1');
      node1.intercept = () => {
        setImmediate(() => { rig.cluster.elect('node2'); void node1.kill(); });
        return { kind: 'apply-then-drop' };
      };
      const w = await call(rig.gateway.url, 'POST', '/api/write', { data: 'once', source: 't' });
      assert.is(w.status, 200);
      // The first (lost) answer is what the client gets, from the state machine's session table.
      assert.equal(w.body, { success: true, entryId: 1, leader: 'node1' });
      assert.is(w.headers.get('x-gateway-node'), 'node2');
      assert.is(rig.cluster.state.applied.length, 1, 'applied exactly once');
      assert.is(rig.cluster.state.records.size, 1);
      const first = idsOf(node1.received);
      const retry = idsOf(rig.cluster.node('node2').received);
      assert.is(first.length, 1);
      assert.equal(retry, first, 'the retry carried the same ids');
      assert.ok(await metric(rig.gateway.url, /gateway_failovers_total (\d+)/) >= 1);
    } finally { await rig.close(); }
  });
}

for (const [status, code] of [[503, 'LEADERSHIP_LOST'], [504, 'TIMEOUT'], [500, 'INTERNAL']] as const) {
  test(`${status} ${code} from the leader is retried with the same ids`, async () => {
    const rig = await startRig();
    try {
      await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
      const node1 = rig.cluster.node('node1');
      let failures = 1;
      node1.intercept = () => (failures-- > 0 ? { kind: 'answer', status, body: { error: 'scripted', code } } : undefined);
      const w = await call(rig.gateway.url, 'PUT', '/api/kv/k', { value: 'v', clientId: 'cl', requestId: 7 });
      assert.equal([w.status, w.body], [200, { success: true, value: 'v' }]);
      assert.equal(idsOf(node1.received), ['cl/7', 'cl/7']);
      assert.is(w.headers.get('x-gateway-attempts'), '2');
      assert.is(await metric(rig.gateway.url, new RegExp(`gateway_retries_total\\{reason="${code}"\\} (\\d+)`)), 1);
    } finally { await rig.close(); }
  });
}

test('a 4xx validation answer from a node is final: passed through, not retried', async () => {
  const rig = await startRig();
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    const node1 = rig.cluster.node('node1');
    node1.intercept = () => ({ kind: 'answer', status: 413, body: { error: 'too big for me', code: 'PAYLOAD_TOO_LARGE' } });
    const w = await call(rig.gateway.url, 'POST', '/api/write', { data: 'x', source: 't' });
    assert.equal([w.status, w.body], [413, { error: 'too big for me', code: 'PAYLOAD_TOO_LARGE' }]);
    assert.is(node1.received.length, 1);
  } finally { await rig.close(); }
});

test('a hung leader times out and the write is retried on the leader the refresh finds', async () => {
  // Polling is slow, so only the refresh after the timeout can reveal node2.
  const rig = await startRig({ statusPollMs: 10_000, failoverDeadlineMs: 3000 }, { attemptTimeoutMs: 300 });
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    const node1 = rig.cluster.node('node1');
    node1.hangStatus = true;
    node1.intercept = () => ({ kind: 'hang' });
    rig.cluster.elect('node2');
    const w = await call(rig.gateway.url, 'POST', '/api/kv/k/cas', { expect: null, value: 'a' });
    assert.equal([w.status, w.body], [200, { success: true, value: 'a' }]);
    assert.is(w.headers.get('x-gateway-node'), 'node2');
    // Under load the refresh may come back after the retry left: node1 may see the write twice.
    const ids = [...idsOf(node1.received), ...idsOf(rig.cluster.node('node2').received)];
    assert.is(new Set(ids).size, 1, `one id pair on every attempt: ${ids.join(' ')}`);
    assert.is(idsOf(rig.cluster.node('node2').received).length, 1);
    assert.ok(await metric(rig.gateway.url, /gateway_retries_total\{reason="NODE_TIMEOUT"\} (\d+)/) >= 1);
  } finally { await rig.close(); }
});

test('a call pending on a paused leader is abandoned as soon as polling finds the new leader', async () => {
  // The attempt timeout exceeds the deadline: only abandonment on the leader change can save the call.
  const rig = await startRig({ statusPollMs: 50, failoverDeadlineMs: 2000 }, { attemptTimeoutMs: 10_000 });
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    const node1 = rig.cluster.node('node1');
    node1.hangStatus = true;
    node1.intercept = () => {
      setTimeout(() => rig.cluster.elect('node3'), 100);
      return { kind: 'hang' };
    };
    const [w, r] = await Promise.all([
      call(rig.gateway.url, 'POST', '/api/write', { data: 1, source: 't', clientId: 'c', requestId: 'r' }),
      call(rig.gateway.url, 'GET', '/api/entries/1'),
    ]);
    assert.equal([w.status, w.body.entryId, w.headers.get('x-gateway-node')], [200, 1, 'node3']);
    assert.is(r.headers.get('x-gateway-node'), 'node3', 'reads fail over too');
    assert.ok([200, 404].includes(r.status));
    assert.equal(rig.changes, ['none->node1', 'node1->node3']);
    assert.ok(await metric(rig.gateway.url, /gateway_retries_total\{reason="ABANDONED"\} (\d+)/) >= 2);
  } finally { await rig.close(); }
});

test('a write whose attempt timed out ends NO_LEADER with outcome unknown', async () => {
  const rig = await startRig({ statusPollMs: 10_000, failoverDeadlineMs: 400 }, { attemptTimeoutMs: 150 });
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    rig.cluster.node('node1').intercept = () => ({ kind: 'hang' });
    const w = await call(rig.gateway.url, 'POST', '/api/write', { data: 1, source: 't' });
    assert.equal([w.status, w.body.code, w.body.outcome], [503, 'NO_LEADER', 'unknown']);
    assert.ok(w.body.attempts >= 2, `attempts ${w.body.attempts}`);
  } finally { await rig.close(); }
});

test('reads are retried on the new leader after a connection error', async () => {
  const rig = await startRig({ statusPollMs: 10_000 });
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    await call(rig.gateway.url, 'PUT', '/api/kv/k', { value: 'v' });
    await rig.cluster.node('node1').kill();
    rig.cluster.elect('node2');
    const r = await call(rig.gateway.url, 'GET', '/api/kv/k');
    assert.equal([r.status, r.body], [200, { key: 'k', value: 'v' }]);
    assert.is(r.headers.get('x-gateway-node'), 'node2');
  } finally { await rig.close(); }
});

test('with no leader until the deadline the answer is 503 NO_LEADER, and nothing was forwarded', async () => {
  const rig = await startRig({ failoverDeadlineMs: 300 }, {}, null);
  try {
    await waitFor('all nodes polled', () => rig.gateway.tracker.nodeViews().every((v) => v.reachable));
    const w = await call(rig.gateway.url, 'POST', '/api/write', { data: 1, source: 't' });
    assert.is(w.status, 503);
    assert.is(w.body.code, 'NO_LEADER');
    assert.is(w.body.outcome, 'not-applied', 'nothing was sent');
    assert.type(w.body.error, 'string');
    const r = await call(rig.gateway.url, 'GET', '/api/kv/x');
    assert.equal([r.status, r.body.code], [503, 'NO_LEADER']);
    for (const n of rig.cluster.nodes) assert.is(n.received.length, 0);
    assert.is(await metric(rig.gateway.url, /gateway_no_leader_total (\d+)/), 2);
  } finally { await rig.close(); }
});

test('a leader that steps down with no successor: 421 without a hint clears it, then NO_LEADER at the deadline', async () => {
  const rig = await startRig({ statusPollMs: 10_000, failoverDeadlineMs: 400 });
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    rig.cluster.elect(null);
    const w = await call(rig.gateway.url, 'POST', '/api/write', { data: 1, source: 't' });
    assert.equal([w.status, w.body.code, w.body.outcome], [503, 'NO_LEADER', 'not-applied']);
    assert.match(w.body.error, /NOT_LEADER|no leader known/);
    assert.is(rig.gateway.tracker.current(), null);
    assert.ok(rig.changes.includes('node1->none'));
  } finally { await rig.close(); }
});

test.run();
