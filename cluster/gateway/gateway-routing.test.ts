import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { call, startRig, waitFor } from './test-helpers.ts';

test('status shows the polled leader as the gateway reaches it, and every node', async () => {
  const rig = await startRig({}, {}, 'node2');
  try {
    await waitFor('a leader', () => rig.gateway.tracker.current() !== null);
    const s = await call(rig.gateway.url, 'GET', '/api/status');
    assert.is(s.status, 200);
    assert.is(s.body.leaderId, 'node2');
    assert.is(s.body.leader, rig.cluster.node('node2').url);
    assert.is(s.body.clusterSize, 3);
    assert.is(s.body.term, rig.cluster.node('node2').term);
    assert.equal(s.body.nodes.map((n: { id: string }) => n.id), ['node1', 'node2', 'node3']);
    await waitFor('all nodes polled', () => rig.gateway.tracker.nodeViews().every((v) => v.reachable));
    const s2 = await call(rig.gateway.url, 'GET', '/api/status');
    for (const n of s2.body.nodes) {
      assert.is(n.healthy, true, n.id);
      assert.is(n.circuit, 'closed');
      assert.is(n.state, n.id === 'node2' ? 'LEADER' : 'FOLLOWER');
    }
    assert.equal(rig.changes, ['none->node2']);
  } finally { await rig.close(); }
});

test('writes and reads go to the leader only; answers pass through unchanged', async () => {
  const rig = await startRig({}, {}, 'node3');
  try {
    await waitFor('a leader', () => rig.gateway.tracker.current() !== null);
    const w = await call(rig.gateway.url, 'POST', '/api/write', { data: { x: 1 }, source: 't' });
    assert.is(w.status, 200);
    assert.equal(w.body, { success: true, entryId: 1, leader: 'node3' });
    assert.is(w.headers.get('x-gateway-node'), 'node3');
    const e = await call(rig.gateway.url, 'GET', '/api/entries/1');
    assert.is(e.status, 200);
    assert.equal(e.body.data, { x: 1 });
    // The gateway gave the write ids, since the client sent none.
    assert.match(e.body.clientId, /^gateway-[0-9a-f]{12}$/);
    assert.is(e.body.clientId, rig.gateway.gatewayClientId);
    const missing = await call(rig.gateway.url, 'GET', '/api/entries/99');
    assert.is(missing.status, 404);
    assert.is(missing.body.code, 'NOT_FOUND');
    const put = await call(rig.gateway.url, 'PUT', '/api/kv/a%2Fb', { value: 'v1' });
    assert.equal([put.status, put.body], [200, { success: true, value: 'v1' }]);
    const get = await call(rig.gateway.url, 'GET', '/api/kv/a%2Fb');
    assert.equal([get.status, get.body], [200, { key: 'a/b', value: 'v1' }]);
    const casBad = await call(rig.gateway.url, 'POST', '/api/kv/a%2Fb/cas', { expect: 'nope', value: 'v2' });
    assert.equal([casBad.status, casBad.body], [200, { success: false, value: 'v1' }]);
    const casOk = await call(rig.gateway.url, 'POST', '/api/kv/a%2Fb/cas', { expect: 'v1', value: 'v2' });
    assert.equal([casOk.status, casOk.body], [200, { success: true, value: 'v2' }]);
    const absent = await call(rig.gateway.url, 'GET', '/api/kv/none');
    assert.equal(absent.body, { key: 'none', value: null });
    for (const id of ['node1', 'node2']) assert.is(rig.cluster.node(id).received.length, 0, `${id} got client calls`);
  } finally { await rig.close(); }
});

test('a NOT_LEADER hint is followed through the config, never through the node-supplied leaderUrl', async () => {
  // Slow polling: the gateway must learn the new leader from the 421 itself.
  const rig = await startRig({ statusPollMs: 10_000 });
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    rig.cluster.elect('node2');
    const w = await call(rig.gateway.url, 'POST', '/api/write', { data: 'd', source: 't', clientId: 'c1', requestId: 'r1' });
    assert.is(w.status, 200);
    assert.is(w.body.leader, 'node2');
    assert.is(w.headers.get('x-gateway-attempts'), '2');
    const first = rig.cluster.node('node1').received;
    const second = rig.cluster.node('node2').received;
    assert.is(first.length, 1);
    assert.is(second.length, 1);
    // The retry carried the client's own ids.
    const ops = (c: { body: unknown }) => (c.body as { ops: { clientId: string; requestId: string }[] }).ops[0]!;
    assert.equal([ops(first[0]!).clientId, ops(first[0]!).requestId], ['c1', 'r1']);
    assert.equal([ops(second[0]!).clientId, ops(second[0]!).requestId], ['c1', 'r1']);
    assert.is(rig.gateway.tracker.current()?.id, 'node2');
    assert.equal(rig.changes, ['none->node1', 'node1->node2']);
  } finally { await rig.close(); }
});

test('a leader that says it stepped down is not brought back by followers still naming it at that term', async () => {
  const rig = await startRig({ statusPollMs: 20 });
  try {
    await waitFor('node1 as leader', () => rig.gateway.tracker.current()?.id === 'node1');
    // node1 stepped down; node2 and node3 have not heard yet and still name it, at the same term.
    rig.cluster.node('node1').role = 'FOLLOWER';
    rig.cluster.node('node1').leaderId = null;
    await waitFor('node1 dropped', () => rig.gateway.tracker.current() === null);
    await new Promise((r) => setTimeout(r, 200)); // several more poll rounds of the stale followers
    assert.is(rig.gateway.tracker.current(), null);
    assert.equal(rig.changes, ['none->node1', 'node1->none']);
    // A newer term naming node1 again is believed.
    rig.cluster.elect('node1');
    await waitFor('node1 back', () => rig.gateway.tracker.current()?.id === 'node1');
  } finally { await rig.close(); }
});

test('stale reads are served by any reachable node while there is no leader', async () => {
  const rig = await startRig({}, {}, null);
  try {
    await waitFor('all nodes polled', () => rig.gateway.tracker.nodeViews().every((v) => v.reachable));
    rig.cluster.state.kv.set('k', 'old');
    const r = await call(rig.gateway.url, 'GET', '/api/kv/k?stale=true');
    assert.equal([r.status, r.body], [200, { key: 'k', value: 'old' }]);
    assert.is(rig.cluster.nodes.reduce((s, n) => s + n.calls('/api/kv/k?stale=true').length, 0), 1);
  } finally { await rig.close(); }
});

test('gateway metrics count requests by route and status and expose the leader', async () => {
  const rig = await startRig();
  try {
    await waitFor('a leader', () => rig.gateway.tracker.current() !== null);
    await call(rig.gateway.url, 'POST', '/api/write', { data: 1, source: 't' });
    await call(rig.gateway.url, 'GET', '/api/entries/5');
    const m = await call(rig.gateway.url, 'GET', '/metrics');
    assert.is(m.status, 200);
    const text = m.body as string;
    assert.match(text, /gateway_http_requests_total\{route="write",method="POST",status="200"\} 1/);
    assert.match(text, /gateway_http_requests_total\{route="entry",method="GET",status="404"\} 1/);
    assert.match(text, /gateway_leader\{node="node1"\} 1/);
    assert.match(text, /gateway_circuit_state\{node="node2"\} 0/);
    assert.match(text, /process_cpu_user_seconds_total/);
    const h = await call(rig.gateway.url, 'GET', '/healthz');
    assert.equal([h.status, h.body], [200, { ok: true, leaderId: 'node1' }]);
  } finally { await rig.close(); }
});

test.run();
