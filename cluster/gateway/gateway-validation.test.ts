import { connect } from 'node:net';
import { request } from 'undici';
import { test } from 'uvu';
import { tokenFor } from '../common/client-credentials.ts';
import * as assert from 'uvu/assert';
import { call, startRig, waitFor, type Rig } from './test-helpers.ts';

let rig: Rig;

test.before(async () => {
  rig = await startRig({}, {}, 'node1');
  await waitFor('a leader', () => rig.gateway.tracker.current() !== null);
});
test.after(async () => { await rig.close(); });

const json = { 'content-type': 'application/json' };

const badRequests: [string, string, string, string | undefined, Record<string, string>][] = [
  ['malformed JSON', 'POST', '/api/write', '{"data": 1, "source": ', json],
  ['no body', 'POST', '/api/write', undefined, {}],
  ['JSON without content-type', 'POST', '/api/write', '{"data":1,"source":"s"}', { 'content-type': 'text/plain' }],
  ['body is an array', 'POST', '/api/write', '[1,2]', json],
  ['missing data', 'POST', '/api/write', '{"source":"s"}', json],
  ['unknown field (the node refuses those too)', 'POST', '/api/write', '{"data":1,"source":"s","extra":true}', json],
  ['source too long', 'POST', '/api/write', JSON.stringify({ data: 1, source: 's'.repeat(257) }), json],
  ['clientId too long', 'PUT', '/api/kv/k', JSON.stringify({ value: 'v', clientId: 'c'.repeat(129) }), json],
  ['key too long', 'GET', `/api/kv/${'k'.repeat(257)}`, undefined, {}],
  ['source not a string', 'POST', '/api/write', '{"data":1,"source":5}', json],
  ['empty clientId', 'POST', '/api/write', '{"data":1,"source":"s","clientId":""}', json],
  ['requestId without clientId', 'POST', '/api/write', '{"data":1,"source":"s","requestId":"r1"}', json],
  ['negative requestId', 'POST', '/api/write', '{"data":1,"source":"s","clientId":"c","requestId":-1}', json],
  ['put value not a string', 'PUT', '/api/kv/k', '{"value":5}', json],
  ['put without value', 'PUT', '/api/kv/k', '{}', json],
  ['cas without expect', 'POST', '/api/kv/k/cas', '{"value":"v"}', json],
  ['cas expect a number', 'POST', '/api/kv/k/cas', '{"expect":1,"value":"v"}', json],
  ['entry id not a number', 'GET', '/api/entries/abc', undefined, {}],
  ['entry id zero', 'GET', '/api/entries/0', undefined, {}],
  ['entry id negative', 'GET', '/api/entries/-3', undefined, {}],
  ['stale not a boolean', 'GET', '/api/kv/k?stale=yes', undefined, {}],
  ['broken percent-encoding in the key', 'GET', '/api/kv/%E0%A4%A', undefined, {}],
];

for (const [what, method, path, body, headers] of badRequests) {
  test(`400 BAD_REQUEST, nothing forwarded: ${what}`, async () => {
    const r = await call(rig.gateway.url, method, path, undefined, body, headers);
    assert.is(r.status, 400, JSON.stringify(r.body));
    assert.is(r.body.code, 'BAD_REQUEST');
    assert.type(r.body.error, 'string');
    assert.is(r.headers.get('content-type')?.startsWith('application/json'), true);
    for (const n of rig.cluster.nodes) assert.is(n.received.length, 0, `${n.id} received a bad request`);
  });
}

test('a body over the limit is refused 413 PAYLOAD_TOO_LARGE before it reaches the cluster', async () => {
  const big = JSON.stringify({ data: 'x'.repeat(rig.cluster.config.http.bodyLimitBytes), source: 's' });
  const r = await request(`${rig.gateway.url}/api/write`, { method: 'POST', headers: json, body: big });
  const body = await r.body.json() as { code: string; error: string };
  assert.is(r.statusCode, 413);
  assert.is(body.code, 'PAYLOAD_TOO_LARGE');
  for (const n of rig.cluster.nodes) assert.is(n.received.length, 0);
});

test('a body just under the limit is accepted', async () => {
  const limit = rig.cluster.config.http.bodyLimitBytes;
  const data = 'y'.repeat(limit - 100);
  const r = await call(rig.gateway.url, 'POST', '/api/write', { data, source: 's' });
  assert.is(r.status, 200);
  assert.is(rig.cluster.state.records.get(r.body.entryId)?.data, data);
  rig.cluster.node('node1').received.length = 0;
});

for (const [method, path] of [['GET', '/nope'], ['POST', '/api/entries/1'], ['DELETE', '/api/kv/k'], ['GET', '/api/kv/k/cas']] as const) {
  test(`404 NOT_FOUND as JSON: ${method} ${path}`, async () => {
    const r = await call(rig.gateway.url, method, path);
    assert.is(r.status, 404);
    assert.is(r.body.code, 'NOT_FOUND');
    assert.type(r.body.error, 'string');
    for (const n of rig.cluster.nodes) assert.is(n.received.length, 0);
  });
}

test('a write without source gets the node\'s default source', async () => {
  const r = await call(rig.gateway.url, 'POST', '/api/write', { data: 'd' });
  assert.is(r.status, 200);
  assert.is(rig.cluster.state.records.get(r.body.entryId)?.source, 'client');
});

test('valid input with numeric requestId is forwarded with the id as a string', async () => {
  const r = await call(rig.gateway.url, 'POST', '/api/write', { data: null, source: 's', clientId: 'c', requestId: 12 });
  assert.is(r.status, 200);
  const rec = rig.cluster.state.records.get(r.body.entryId);
  assert.equal([rec?.data, rec?.clientId, rec?.requestId], [null, 'c', '12']);
});

// Plain-key PUTs and POST /api/write with a JSON body are served without Express
// (write-routes.ts); an escaped key takes Express's route. Both must answer alike.
const hotAndExpressBodies = ['{"value":5}', '{}', '[1]', '"text"', '7', '{"value":', '{"value":"v","extra":1}', '{"value":"v","requestId":"r"}', '{"value":"same"}'];
for (const raw of hotAndExpressBodies) {
  test(`PUT ${raw}: the plain route and Express's answer alike`, async () => {
    for (const n of rig.cluster.nodes) n.received.length = 0;
    const hot = await call(rig.gateway.url, 'PUT', '/api/kv/k1', undefined, raw, json);
    const viaExpress = await call(rig.gateway.url, 'PUT', '/api/kv/k%31', undefined, raw, json);
    assert.is(hot.status, viaExpress.status);
    if (hot.status === 200) {
      assert.equal([hot.body.value, viaExpress.body.value], ['same', 'same']);
      assert.is(rig.cluster.state.kv.get('k1'), 'same');
      assert.is(hot.headers.get('x-gateway-node'), 'node1');
    } else {
      assert.equal(hot.body, viaExpress.body);
      for (const n of rig.cluster.nodes) assert.is(n.received.length, 0);
    }
  });
}

test('a chunked body that grows over the limit gets 413 and the connection is closed', async () => {
  for (const n of rig.cluster.nodes) n.received.length = 0;
  const limit = rig.cluster.config.http.bodyLimitBytes;
  const { port } = new URL(rig.gateway.url);
  const socket = connect(Number(port), '127.0.0.1');
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => { answer += d; });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  const chunk = `{"data":"${'z'.repeat(limit)}`;
  // A raw socket carries no token by itself: the cluster's, as every project client sends it.
  const auth = `authorization: Bearer ${tokenFor(rig.gateway.url) ?? ''}\r\n`;
  socket.write(`POST /api/write HTTP/1.1\r\nhost: x\r\n${auth}content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`);
  await closed;
  assert.match(answer, /^HTTP\/1\.1 413 /);
  assert.match(answer, /connection: close/i);
  assert.match(answer, /"code":"PAYLOAD_TOO_LARGE"/);
  for (const n of rig.cluster.nodes) assert.is(n.received.length, 0);
});

test.run();
