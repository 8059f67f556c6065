// Record reads after a run follow leadership: real HTTP servers stand in for two nodes, one that
// no longer leads (421) and one that does, as happens when an election follows the recovery.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FinalReadError, leaderRecordReader } from './final-logs.ts';
import type { NodeEndpoint } from './node-event-poller.ts';

const servers: Server[] = [];
const asked: string[] = [];

async function node(id: string, answer: (entry: number) => [number, unknown]): Promise<NodeEndpoint> {
  const server = createServer((req, res) => {
    asked.push(`${id} ${req.url}`);
    const [status, body] = answer(Number(req.url!.split('/').pop()));
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { id, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test.after(() => { for (const s of servers) s.close(); });

test('a read the old leader refuses with 421 is asked of the new leader, and later reads go there first', async () => {
  asked.length = 0;
  const old = await node('node1', () => [421, { error: 'not the leader', code: 'NOT_LEADER' }]);
  const now = await node('node2', (id) => (id === 7 ? [404, { error: 'no entry', code: 'NOT_FOUND' }] : [200, { id, clientId: 'c', requestId: `r${id}` }]));
  const read = leaderRecordReader(old, [old, now], async () => 'node2');
  assert.equal(await read(5), { node: 'node2', record: { id: 5, clientId: 'c', requestId: 'r5' } });
  assert.equal(await read(7), { node: 'node2', record: null });
  // (undici itself may repeat a request that got 421 once, on a new connection.)
  assert.is(asked[0], 'node1 /api/entries/5');
  assert.equal(asked.filter((a) => a.startsWith('node2')), ['node2 /api/entries/5', 'node2 /api/entries/7']);
  assert.not.ok(asked.includes('node1 /api/entries/7'), 'the later read went to the new leader first');
});

test('when no node leads, or every node refuses, the read fails with the node\'s answer', async () => {
  const a = await node('node1', () => [421, {}]);
  const b = await node('node2', () => [421, {}]);
  const noLeader = leaderRecordReader(a, [a, b], async () => null);
  const err1 = await noLeader(1).catch((e: unknown) => e);
  assert.instance(err1, FinalReadError);
  assert.match((err1 as Error).message, /answered 421/);
  const pingPong = leaderRecordReader(a, [a, b], async () => 'node2');
  const err2 = await pingPong(1).catch((e: unknown) => e);
  assert.instance(err2, FinalReadError);
  assert.is((err2 as FinalReadError).status, 421);
});

test('other errors are not retried on another node', async () => {
  asked.length = 0;
  const a = await node('node1', () => [500, { error: 'boom', code: 'INTERNAL' }]);
  const b = await node('node2', () => [200, { id: 1, clientId: null, requestId: null }]);
  const read = leaderRecordReader(a, [a, b], async () => 'node2');
  const err = await read(1).catch((e: unknown) => e);
  assert.is((err as FinalReadError).status, 500);
  assert.equal(asked, ['node1 /api/entries/1']);
});

test.run();
