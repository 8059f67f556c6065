// The seed's scenarios against a real local cluster (3 node processes, the gateway, every link
// through the proxy): status, writes, leader SIGKILL and recovery, failover through the gateway
// under load, a restarted node catching up (also through a snapshot), data surviving a full
// restart, and exactly-once when the gateway retries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCluster, type Cluster } from './cluster-harness.ts';
import { eventually } from './eventually.ts';

interface WriteAnswer { status: number; body: Record<string, unknown>; attempts: number }

async function post(url: string, body: unknown, timeoutMs = 10_000): Promise<WriteAnswer> {
  const res = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, body: await res.json() as Record<string, unknown>, attempts: Number(res.headers.get('x-gateway-attempts') ?? 0) };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}


interface LogEntry { index: number; term: number; kind: string; command: { op: string; requestId?: string; data?: unknown } | null }

/** Every committed entry a node still has in its log (all of them below the snapshot threshold). */
async function committedLog(c: Cluster, id: string): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for (let from = 1; ; ) {
    const { body } = await getJson(`${c.nodeUrl(id)}/raft/log?from=${from}&limit=1000`);
    const entries = body.entries as LogEntry[];
    out.push(...entries);
    if (entries.length < 1000) return out;
    from = entries[entries.length - 1]!.index + 1;
  }
}

/**
 * Exactly-once is the state machine's promise, not the log's: a retried write may be proposed
 * (and committed) more than once, but only its first copy creates a record. Returns, per
 * requestId, how many of its log entries produced a record.
 */
async function recordsPerRequest(c: Cluster, log: readonly LogEntry[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const e of log) {
    const rid = e.command?.op === 'append' ? e.command.requestId : undefined;
    if (!rid) continue;
    const r = await getJson(`${c.gatewayUrl}/api/entries/${e.index}`);
    out.set(rid, (out.get(rid) ?? 0) + (r.status === 200 ? 1 : 0));
  }
  return out;
}

async function caughtUp(c: Cluster): Promise<boolean> {
  const st = await c.status();
  const all = [...st.values()];
  if (all.some((s) => s === null)) return false;
  const commits = all.map((s) => s!.commitIndex);
  const applied = all.map((s) => s!.lastApplied);
  return new Set(commits).size === 1 && applied.every((a) => a === commits[0]);
}

test('status, writes and reads: one leader, writes land on every node, reads see them', async () => {
  const c = await startCluster();
  try {
    const leader = await c.waitForLeader();
    const st = await c.status();
    assert.is([...st.values()].filter((s) => s?.state === 'LEADER').length, 1);
    const gw = await getJson(`${c.gatewayUrl}/api/status`);
    assert.is(gw.body.leaderId, leader);
    assert.is(gw.body.clusterSize, 3);

    const ids: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await post(`${c.gatewayUrl}/api/write`, { data: { n: i }, source: 'integration' });
      assert.is(r.status, 200, JSON.stringify(r.body));
      ids.push(r.body.entryId as number);
    }
    assert.is(new Set(ids).size, 20);
    const read = await getJson(`${c.gatewayUrl}/api/entries/${ids[7]}`);
    assert.equal(read.body.data, { n: 7 });
    await eventually('every node to apply the writes', () => caughtUp(c));
    for (const id of c.nodeIds) {
      const log = await committedLog(c, id);
      const data = log.filter((e) => e.command?.op === 'append').map((e) => e.command!.data);
      assert.equal(data, Array.from({ length: 20 }, (_, i) => ({ n: i })), `${id}'s committed log`);
    }
    const put = await fetch(`${c.gatewayUrl}/api/kv/k1`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":"v1"}' });
    assert.is(put.status, 200);
    assert.is((await getJson(`${c.gatewayUrl}/api/kv/k1`)).body.value, 'v1');

    // The leader's batch route, which carries the gateway's writes, and its refusals.
    const batch = async (id: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
      const r = await fetch(`${c.nodeUrl(id)}/api/batch`, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
      return { status: r.status, body: await r.json() as { code?: string; results?: { status: number; body: { success: boolean } }[] } };
    };
    const ops = JSON.stringify({ ops: [{ op: 'put', key: 'b1', value: 'x' }, { op: 'cas', key: 'b1', expect: 'nope', value: 'y' }, { op: 'append', data: 'via batch' }] });
    const done = await batch(leader, ops);
    assert.is(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.results!.map((r) => [r.status, r.body.success]), [[200, true], [200, false], [200, true]]);
    assert.is((await getJson(`${c.gatewayUrl}/api/kv/b1`)).body.value, 'x');
    const follower = c.nodeIds.find((id) => id !== leader)!;
    const refusals: [string, string, Record<string, string>, number, string][] = [
      ['a follower', ops, {}, 421, 'NOT_LEADER'],
      ['malformed JSON', '{"ops":[', {}, 400, 'BAD_REQUEST'],
      ['no ops', '{"ops":[]}', {}, 400, 'BAD_REQUEST'],
      ['an unknown op', '{"ops":[{"op":"delete","key":"b1"}]}', {}, 400, 'BAD_REQUEST'],
      ['another cluster', ops, { 'x-raft-cluster': 'someone-else' }, 409, 'CLUSTER_MISMATCH'],
      // State-changing endpoints take JSON only (a form post from any web page must not reach them).
      ['not JSON (Express serves it)', ops, { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      // Twice the limit: a node's batch route leaves room for the gateway's wrapper around a body at the limit.
      ['over the body limit', JSON.stringify({ ops: [{ op: 'append', data: 'z'.repeat(2 * c.config.http.bodyLimitBytes) }] }), {}, 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [what, body, headers, status, code] of refusals) {
      const r = await batch(what === 'a follower' ? follower : leader, body, { 'content-type': 'application/json', ...headers });
      assert.equal([r.status, r.body.code], [status, code], what);
    }
    assert.is((await getJson(`${c.gatewayUrl}/api/kv/b1`)).body.value, 'x', 'no refused batch changed anything');

    // The batch stream the gateway uses: one answer line per batch line, matched by id.
    const stream = async (id: string, body: string, headers: Record<string, string> = {}) => {
      const r = await fetch(`${c.nodeUrl(id)}/api/batch-stream`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...headers }, body, signal: AbortSignal.timeout(5000) });
      const text = await r.text();
      return { status: r.status, lines: text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>) };
    };
    const two = await stream(leader, `{"id":7,"ops":[{"op":"put","key":"s1","value":"a"}]}\n{"id":8,"ops":[{"op":"cas","key":"s1","expect":"a","value":"b"}]}\n{"id":9,"ops":[]}\n`);
    assert.is(two.status, 200);
    const byId = new Map(two.lines.map((l) => [l.id, l]));
    assert.equal([byId.get(7)?.status, byId.get(8)?.status, byId.get(8)?.body.results[0].body.success], [200, 200, true]);
    assert.equal([byId.get(9)?.status, byId.get(9)?.body.code], [400, 'BAD_REQUEST'], 'a bad batch is answered; the stream goes on');
    assert.is((await getJson(`${c.gatewayUrl}/api/kv/s1`)).body.value, 'b');
    const onFollower = await stream(follower, '{"id":1,"ops":[{"op":"put","key":"s1","value":"c"}]}\n');
    assert.equal([onFollower.lines[0]?.id, onFollower.lines[0]?.status, onFollower.lines[0]?.body.code], [1, 421, 'NOT_LEADER']);
    const broken = await stream(leader, '{"id":1,"ops":[{"op":"put","key":"s1","value":"d"}]}\nnot json\n{"id":2,"ops":[{"op":"put","key":"s1","value":"e"}]}\n');
    assert.equal(broken.lines.at(-1)?.code, 'BAD_REQUEST', 'a line that is not JSON ends the stream with an error line');
    assert.ok(!broken.lines.some((l) => l.id === 2), 'nothing after the bad line is read');
    const noId = await stream(leader, '{"ops":[{"op":"put","key":"s1","value":"f"}]}\n');
    assert.equal(noId.lines, [{ error: 'a batch line needs an integer "id"', code: 'BAD_REQUEST' }]);
    assert.is((await stream(leader, '', { 'x-raft-cluster': 'someone-else' })).status, 409);
    assert.not.equal((await getJson(`${c.gatewayUrl}/api/kv/s1`)).body.value, 'e');
  } finally {
    await c.stop();
  }
});

test('leader SIGKILL: a new leader is elected, writes continue, the old leader rejoins and catches up', async () => {
  const c = await startCluster();
  try {
    const old = await c.waitForLeader();
    await post(`${c.gatewayUrl}/api/write`, { data: 'before', source: 'integration' });
    await c.kill(old);
    const next = await c.waitForLeader({ exclude: [old], timeoutMs: 10_000 });
    assert.is.not(next, old);
    const r = await post(`${c.gatewayUrl}/api/write`, { data: 'after', source: 'integration' });
    assert.is(r.status, 200, JSON.stringify(r.body));
    assert.is(r.body.leader, next);
    await c.startNode(old);
    await eventually(`${old} to catch up`, () => caughtUp(c));
    const log = await committedLog(c, old);
    assert.equal(log.filter((e) => e.command?.op === 'append').map((e) => e.command!.data), ['before', 'after']);
  } finally {
    await c.stop();
  }
});

test('failover through the gateway under load: every acknowledged write is committed exactly once', async () => {
  const c = await startCluster();
  try {
    const old = await c.waitForLeader();
    const acked: string[] = [];
    const outcomes = new Map<number, number>();
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop && i < 400; i++) {
        const requestId = `w${w}-${i}`;
        try {
          const r = await post(`${c.gatewayUrl}/api/write`, { data: requestId, source: 'integration', clientId: 'failover-test', requestId }, 8000);
          outcomes.set(r.status, (outcomes.get(r.status) ?? 0) + 1);
          if (r.status === 200) acked.push(requestId);
        } catch {
          outcomes.set(0, (outcomes.get(0) ?? 0) + 1);
        }
        await new Promise((res) => setTimeout(res, 20));
      }
    });
    await new Promise((r) => setTimeout(r, 700));
    await c.kill(old);
    await c.waitForLeader({ exclude: [old], timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(writers);
    await c.startNode(old);
    await eventually('every node to catch up', () => caughtUp(c));
    assert.ok(acked.length > 40, `only ${acked.length} writes acknowledged (${JSON.stringify([...outcomes])})`);
    // The gateway retries across the failover within its deadline: no client saw an error.
    assert.equal([...outcomes.keys()], [200], `outcomes by status: ${JSON.stringify([...outcomes])}`);
    const logs = await Promise.all(c.nodeIds.map((id) => committedLog(c, id)));
    for (let i = 1; i < logs.length; i++) assert.equal(logs[i], logs[0], `${c.nodeIds[i]}'s committed log equals ${c.nodeIds[0]}'s`);
    const records = await recordsPerRequest(c, logs[0]!);
    for (const rid of acked) assert.is(records.get(rid), 1, `acknowledged ${rid} produced ${records.get(rid) ?? 0} records`);
    for (const [rid, n] of records) assert.ok(n <= 1, `${rid} produced ${n} records`);
  } finally {
    await c.stop();
  }
});

test('a follower that missed more than the snapshot threshold catches up through InstallSnapshot', async () => {
  const c = await startCluster({ env: { RAFT_SNAPSHOT_ENTRIES: '50', RAFT_FSYNC: 'never' } });
  try {
    const leader = await c.waitForLeader();
    const lagging = c.nodeIds.find((id) => id !== leader)!;
    await c.stopNode(lagging);
    for (let i = 0; i < 150; i++) {
      const r = await post(`${c.gatewayUrl}/api/write`, { data: i, source: 'integration' });
      assert.is(r.status, 200);
    }
    const leaderStatus = (await c.status()).get(leader)!;
    assert.ok((leaderStatus.snapshotIndex ?? 0) > 0, 'the leader compacted its log');
    await c.startNode(lagging);
    await eventually(`${lagging} to catch up`, () => caughtUp(c), 20_000);
    const events = (await getJson(`${c.nodeUrl(lagging)}/raft/events?since=0&limit=10000`)).body.events as { kind: string }[];
    assert.ok(events.some((e) => e.kind === 'snapshot-installed'), `${lagging} installed a snapshot`);
    // Its state machine holds records it never saw as log entries.
    const rec = await getJson(`${c.gatewayUrl}/api/entries/5`);
    assert.is(rec.status, 200);
  } finally {
    await c.stop();
  }
});

test('all data survives stopping and starting the whole cluster', async () => {
  const c = await startCluster();
  try {
    await c.waitForLeader();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push((await post(`${c.gatewayUrl}/api/write`, { data: `keep-${i}`, source: 'integration' })).body.entryId as number);
    await fetch(`${c.gatewayUrl}/api/kv/durable`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":"yes"}' });
    for (const id of c.nodeIds) await c.stopNode(id);
    for (const id of c.nodeIds) await c.startNode(id);
    await c.waitForLeader({ timeoutMs: 15_000 });
    const got = await eventually('the gateway to read again', async () => {
      const r = await getJson(`${c.gatewayUrl}/api/entries/${ids[9]}`);
      return r.status === 200 ? r : null;
    });
    assert.is(got.body.data, 'keep-9');
    assert.is((await getJson(`${c.gatewayUrl}/api/kv/durable`)).body.value, 'yes');
  } finally {
    await c.stop();
  }
});

test('exactly-once when the gateway retries: a delayed answer makes it retry, the write applies once', async () => {
  // Attempts get a third of the deadline: 3 s each. The leader's answers are held 3.5 s, so the
  // first two attempts time out after the write was applied; the third gets the first result.
  const c = await startCluster({ env: { GATEWAY_FAILOVER_DEADLINE_MS: '9000' } });
  try {
    const leader = await c.waitForLeader();
    await eventually('the gateway to know the leader', async () => (await getJson(`${c.gatewayUrl}/api/status`)).body.leaderId === leader);
    const proxyUrl = c.config.links.toxiproxyUrl;
    const link = `gateway_to_${leader}`;
    const added = await fetch(`${proxyUrl}/proxies/${link}/toxics`, {
      method: 'POST', body: JSON.stringify({ name: 'slow_answers', type: 'latency', stream: 'downstream', attributes: { latency: 3500 } }),
    });
    assert.is(added.status, 200);
    const pending = post(`${c.gatewayUrl}/api/write`, { data: 'once', source: 'integration', clientId: 'exactly-once', requestId: 'r-1' }, 15_000);
    await new Promise((r) => setTimeout(r, 4000));
    await fetch(`${proxyUrl}/proxies/${link}/toxics/slow_answers`, { method: 'DELETE' });
    const r = await pending;
    assert.is(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.attempts >= 2, `the gateway retried (attempts ${r.attempts})`);
    assert.is(r.body.duplicate, true, 'the retry was recognised as a duplicate');
    await eventually('every node to catch up', () => caughtUp(c));
    const log = await committedLog(c, leader);
    const copies = log.filter((e) => e.command?.requestId === 'r-1');
    assert.ok(copies.length >= 2, `each attempt proposed the command (${copies.length} copies in the log)`);
    assert.is((await recordsPerRequest(c, log)).get('r-1'), 1, 'only the first copy was applied');
    const record = await getJson(`${c.gatewayUrl}/api/entries/${r.body.entryId}`);
    assert.is(record.body.data, 'once');
    assert.is(r.body.entryId, copies[0]!.index, 'the answer names the first copy');
  } finally {
    await c.stop();
  }
});

test.run();
