import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCluster, type Cluster } from '../../test/cluster-harness.ts';
import { readNodeTls, ensureClusterCerts, type NodeTlsFiles } from './cluster-certs.ts';
import { createToken, revokeToken } from './token-store.ts';

// A real cluster, auth and peer TLS on (the defaults), attacked as a stranger and as a buggy
// member would: every refusal is checked, and afterwards every node is up with its term, log
// and leader as they were.

let c: Cluster;
const peerLimitBytes = 64 * 1024;

test.before(async () => {
  c = await startCluster({ readyTimeoutMs: 60_000, env: { RAFT_PEER_BODY_LIMIT_BYTES: String(peerLimitBytes) } });
});
test.after(async () => { await c?.stop(); });

interface Answer { status: number; body: any; headers: Headers }

async function call(url: string, init: RequestInit & { token?: string | null } = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  // `token: null` sends none at all (the global dispatcher adds the cluster's otherwise).
  if (init.token !== undefined) headers.set('authorization', init.token === null ? '' : `Bearer ${init.token}`);
  const res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body, headers: res.headers };
}

interface NodeView { id: string; term: number; leader: string | null; lastLogIndex: number; commitIndex: number }

async function views(): Promise<NodeView[]> {
  return Promise.all(c.nodeIds.map(async (id) => (await call(`${c.nodeUrl(id)}/raft/status`)).body as NodeView));
}

/** Every node answers, and term, leader and log are what they were before the attack. */
async function assertUnchanged(before: NodeView[], what: string): Promise<void> {
  const after = await views();
  for (const id of c.nodeIds) assert.is((await call(`${c.nodeUrl(id)}/healthz`)).status, 200, `${id} up after ${what}`);
  assert.equal(after.map((v) => [v.id, v.term, v.leader, v.lastLogIndex]), before.map((v) => [v.id, v.term, v.leader, v.lastLogIndex]), `nothing changed after ${what}`);
}

/** A quiet, settled cluster: every node agrees on leader and term, and the log is committed everywhere. */
async function settled(): Promise<NodeView[]> {
  for (let i = 0; i < 100; i++) {
    const v = await views();
    if (v.every((x) => x.leader !== null && x.leader === v[0]!.leader && x.term === v[0]!.term && x.commitIndex === x.lastLogIndex && x.lastLogIndex === v[0]!.lastLogIndex)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('cluster did not settle');
}

/** POST to a node's peer route over TLS with `tls` as the client certificate. */
function peerPost(nodeId: string, path: string, body: string, tls: NodeTlsFiles, from: string): Promise<{ status: number; body: any }> {
  const url = new URL(c.nodeUrl(nodeId));
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: url.hostname, port: url.port, path, method: 'POST', ca: tls.ca, cert: tls.cert, key: tls.key, servername: nodeId, agent: false,
      headers: { 'content-type': 'application/json', 'x-raft-cluster': c.config.clusterId, 'x-raft-from': from },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => { let b: unknown = text; try { b = JSON.parse(text); } catch { /* keep text */ } resolve({ status: res.statusCode ?? 0, body: b }); });
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('401 with WWW-Authenticate without a token, on the gateway and on every node; health and metrics stay open', async () => {
  for (const base of [c.gatewayUrl, ...c.nodeIds.map((id) => c.nodeUrl(id))]) {
    const path = base === c.gatewayUrl ? '/api/kv/a' : '/raft/status';
    const r = await call(`${base}${path}`, { token: null });
    assert.is(r.status, 401, `${base}${path}`);
    assert.is(r.body.code, 'UNAUTHORIZED');
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer /);
    const bad = await call(`${base}${path}`, { token: 'rct_00000000_not-a-real-token' });
    assert.is(bad.status, 401);
    assert.is(bad.body.code, 'BAD_TOKEN');
    assert.is((await call(`${base}/metrics`, { token: null })).status, 200);
    assert.is((await call(`${base}/healthz`, { token: null })).status, 200);
  }
  // The project's own client (this test, like chaos and bench) sends the cluster's admin token unasked.
  assert.is((await call(`${c.gatewayUrl}/api/kv/a`)).status, 200);
});

test('403 for a role that is not enough; a revoked token is refused at once', async () => {
  const reader = createToken(c.dataDir, 'read', 'reader').token;
  const writer = createToken(c.dataDir, 'write', 'writer').token;
  const json = { 'content-type': 'application/json' };
  assert.is((await call(`${c.gatewayUrl}/api/kv/k`, { token: reader })).status, 200);
  const denied = await call(`${c.gatewayUrl}/api/kv/k`, { method: 'PUT', headers: json, body: '{"value":"v"}', token: reader });
  assert.is(denied.status, 403);
  assert.is(denied.body.code, 'FORBIDDEN');
  assert.is((await call(`${c.gatewayUrl}/api/kv/k`, { method: 'PUT', headers: json, body: '{"value":"v"}', token: writer })).status, 200);
  const leader = await c.waitForLeader();
  const transfer = await call(`${c.nodeUrl(leader)}/raft/transfer-leadership`, { method: 'POST', headers: json, body: '{}', token: writer });
  assert.is(transfer.status, 403, 'leadership transfer is admin');
  revokeToken(c.dataDir, 'writer');
  const revoked = await call(`${c.gatewayUrl}/api/kv/k`, { method: 'PUT', headers: json, body: '{"value":"w"}', token: writer });
  assert.is(revoked.status, 401);
  assert.is(revoked.body.code, 'TOKEN_REVOKED');
  const onNode = await call(`${c.nodeUrl(leader)}/raft/status`, { token: writer });
  assert.is(onNode.status, 401, 'the node sees the revocation too');
});

test('a form POST to transfer-leadership (CSRF) is refused 415, even with an admin token', async () => {
  const before = await settled();
  const leader = before[0]!.leader!;
  const r = await call(`${c.nodeUrl(leader)}/raft/transfer-leadership`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'target=node2' });
  assert.is(r.status, 415);
  assert.is(r.body.code, 'UNSUPPORTED_MEDIA_TYPE');
  await assertUnchanged(before, 'a form POST');
});

test('a stranger without a certificate (plain HTTP) or with another CA\'s is refused, and nothing changes', async () => {
  const before = await settled();
  const leader = before[0]!.leader!;
  const follower = c.nodeIds.find((id) => id !== leader)!;
  const other = c.nodeIds.find((id) => id !== follower)!;
  const term = before[0]!.term;
  const forgedVote = [{ type: 'vote', from: other, to: follower, term: term + 1000, lastLogIndex: 1e6, lastLogTerm: term + 1000, transfer: true }];
  const forgedAppend = [{ type: 'append', from: other, to: follower, term: 2_000_000, prevIndex: before[0]!.lastLogIndex, prevTerm: term, commit: 0,
    entries: [{ index: before[0]!.lastLogIndex + 1, term: 2_000_000, kind: 'command', data: JSON.stringify({ op: 'put', key: 'forged', value: 'by-a-stranger' }) }] }];
  for (const body of [forgedVote, forgedAppend]) {
    const r = await call(`${c.nodeUrl(follower)}/raft/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-raft-cluster': c.config.clusterId, 'x-raft-from': other }, body: JSON.stringify(body) });
    assert.is(r.status, 403);
    assert.is(r.body.code, 'PEER_CERT_REQUIRED');
  }
  const strangerDir = mkdtempSync(join(tmpdir(), 'stranger-ca-'));
  try {
    ensureClusterCerts(strangerDir, [other]);
    const foreign = readNodeTls(strangerDir, other);
    // The stranger trusts the real CA (so the handshake completes) but presents its own CA's certificate.
    const r = await peerPost(follower, '/raft/messages', JSON.stringify(forgedAppend), { ...foreign, ca: readNodeTls(c.dataDir, other).ca }, other);
    assert.is(r.status, 403);
    assert.is(r.body.code, 'PEER_CERT_REQUIRED');
  } finally {
    rmSync(strangerDir, { recursive: true, force: true });
  }
  await assertUnchanged(before, 'forged peer messages from a stranger');
  assert.is((await call(`${c.gatewayUrl}/api/kv/forged`)).body.value, null);
});

test('malformed or hostile messages from a member certificate are refused; every node stays up and unchanged', async () => {
  const before = await settled();
  const leader = before[0]!.leader!;
  const [follower, other] = c.nodeIds.filter((id) => id !== leader) as [string, string];
  const term = before[0]!.term;
  const last = before[0]!.lastLogIndex;
  const leaderCert = readNodeTls(c.dataDir, leader);
  const otherCert = readNodeTls(c.dataDir, other);
  const attacks: { what: string; to: string; from: string; cert: NodeTlsFiles; body: string; status: number }[] = [
    { what: 'entry data that is not JSON', to: follower, from: leader, cert: leaderCert, status: 400,
      body: JSON.stringify([{ type: 'append', from: leader, to: follower, term, prevIndex: last, prevTerm: term, commit: 0, entries: [{ index: last + 1, term, kind: 'command', data: 'not json {' }] }]) },
    { what: 'a heartbeat in term 2^53-1', to: follower, from: leader, cert: leaderCert, status: 400,
      body: JSON.stringify([{ type: 'heartbeat', from: leader, to: follower, term: Number.MAX_SAFE_INTEGER, commit: 0, readCtx: null }]) },
    { what: 'an appendResp at index 10^9 to the leader', to: leader, from: other, cert: otherCert, status: 400,
      body: JSON.stringify([{ type: 'appendResp', from: other, to: leader, term, success: true, index: 1e9, hintIndex: 0, hintTerm: 0 }]) },
    { what: 'a timeoutNow from a node that is not the leader', to: follower, from: other, cert: otherCert, status: 400,
      body: JSON.stringify([{ type: 'timeoutNow', from: other, to: follower, term }]) },
    { what: 'a message claiming another sender than its certificate', to: follower, from: leader, cert: otherCert, status: 403,
      body: JSON.stringify([{ type: 'heartbeat', from: leader, to: follower, term, commit: 0, readCtx: null }]) },
    { what: 'a body over the peer limit', to: follower, from: leader, cert: leaderCert, status: 413,
      body: JSON.stringify([{ type: 'heartbeat', from: leader, to: follower, term, commit: 0, readCtx: 'x'.repeat(2 * peerLimitBytes) }]) },
    { what: 'deep nesting under the limit', to: follower, from: leader, cert: leaderCert, status: 400,
      body: `${'['.repeat(20_000)}${']'.repeat(20_000)}` },
  ];
  for (const a of attacks) {
    const r = await peerPost(a.to, '/raft/messages', a.body, a.cert, a.from);
    assert.is(r.status, a.status, `${a.what}: ${JSON.stringify(r.body).slice(0, 200)}`);
    assert.type(r.body.code, 'string', a.what);
  }
  await assertUnchanged(before, 'hostile member messages');
  // Each refusal is in the receiving node's audit log with its reason.
  const events = (await call(`${c.nodeUrl(follower)}/raft/events?limit=10000`)).body.events as { kind: string; reason?: string }[];
  assert.ok(events.some((e) => e.kind === 'peer-refused' && /not JSON/.test(e.reason ?? '')), 'the refusal of bad entry data is audited');
});

/** raft_peer_refused_total{reason="BAD_MESSAGE"} of a node. */
async function refusedCount(id: string): Promise<number> {
  const text = (await call(`${c.nodeUrl(id)}/metrics`)).body as string;
  const m = /^raft_peer_refused_total\{reason="BAD_MESSAGE"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

test('hostile install-snapshot messages from the leader\'s certificate are refused, counted and audited; the follower stays up with its state', async () => {
  await call(`${c.gatewayUrl}/api/kv/snap-guard`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: 'kept' }) });
  const before = await settled();
  const leader = before[0]!.leader!;
  const follower = c.nodeIds.find((id) => id !== leader)!;
  const term = before[0]!.term;
  const index = before[0]!.lastLogIndex + 5;
  const leaderCert = readNodeTls(c.dataDir, leader);
  const good = { v: 1, index, kv: [['snap-guard', 'forged']], dedup: [], records: [] };
  const snapshots: { what: string; snapshot: { index: number; term: number; data: string }; reason: RegExp }[] = [
    { what: 'bad JSON', snapshot: { index, term, data: '{"v":1,"index":' }, reason: /not JSON/ },
    { what: 'the wrong shape', snapshot: { index, term, data: JSON.stringify({ ...good, kv: { 'snap-guard': 'forged' } }) }, reason: /kv and dedup arrays/ },
    { what: 'a body as of another index', snapshot: { index, term, data: JSON.stringify({ ...good, index: index + 1 }) }, reason: /as of index/ },
    { what: 'a term later than its message', snapshot: { index, term: term + 1, data: JSON.stringify(good) }, reason: /later than its message/ },
    { what: 'more keys than its entries', snapshot: { index: 2, term, data: JSON.stringify({ ...good, index: 2, kv: [['a', '1'], ['b', '2'], ['c', '3']] }) }, reason: /more records, keys or sessions/ },
    { what: 'a huge record id', snapshot: { index, term, data: JSON.stringify({ ...good, records: [{ id: 2 ** 52, term, data: 1, source: 's', clientId: null, requestId: null }] }) }, reason: /ids must increase/ },
  ];
  const countBefore = await refusedCount(follower);
  for (const s of snapshots) {
    const body = JSON.stringify([{ type: 'snapshot', from: leader, to: follower, term, snapshot: s.snapshot }]);
    const r = await peerPost(follower, '/raft/messages', body, leaderCert, leader);
    assert.is(r.status, 400, `${s.what}: ${JSON.stringify(r.body).slice(0, 200)}`);
    assert.is(r.body.code, 'BAD_MESSAGE', s.what);
    assert.match(r.body.error, s.reason, s.what);
  }
  await assertUnchanged(before, 'hostile snapshots');
  assert.is(await refusedCount(follower), countBefore + snapshots.length, 'each refusal is counted');
  const status = (await call(`${c.nodeUrl(follower)}/raft/status`)).body as { snapshotIndex: number };
  assert.ok(status.snapshotIndex < index, 'no snapshot was installed');
  assert.is((await call(`${c.gatewayUrl}/api/kv/snap-guard`)).body.value, 'kept');
  const events = (await call(`${c.nodeUrl(follower)}/raft/events?limit=10000`)).body.events as { kind: string; reason?: string }[];
  for (const s of snapshots) assert.ok(events.some((e) => e.kind === 'peer-refused' && s.reason.test(e.reason ?? '')), `the refusal of ${s.what} is audited`);
});

test('client APIs: deep nesting is a 400 on gateway and node; a body just under the gateway limit is not a 413 at the node', async () => {
  const deep = `{"data":${'['.repeat(5000)}${']'.repeat(5000)},"source":"s"}`;
  const leader = await c.waitForLeader();
  for (const base of [c.gatewayUrl, c.nodeUrl(leader)]) {
    const r = await call(`${base}/api/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep });
    assert.is(r.status, 400, `${base}: ${JSON.stringify(r.body).slice(0, 200)}`);
    assert.is(r.body.code, 'BAD_REQUEST');
  }
  const limit = c.config.http.bodyLimitBytes;
  const big = JSON.stringify({ data: 'x'.repeat(limit - 200), source: 's' });
  const r = await call(`${c.gatewayUrl}/api/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
  // On a loaded machine a 1 MiB write may time out (503, outcome unknown); it must never be a 413.
  assert.is.not(r.status, 413, JSON.stringify(r.body).slice(0, 200));
  assert.is.not(r.body.code, 'PAYLOAD_TOO_LARGE');
});

test.run();
