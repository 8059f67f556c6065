import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually } from '../../test/eventually.ts';
import type { Message } from '../raft/messages.ts';
import { createNodeMetrics } from './node-metrics.ts';
import { handlePeerStream, peerStreamPath } from './peer-stream.ts';
import { PeerTransport } from './peer-transport.ts';

// Both ends over real loopback sockets: the sending transport and the receiving stream handler.

const heartbeat = (n: number): Message => ({ type: 'heartbeat', from: 'n1', to: 'n2', term: n, commit: 0, readCtx: null });

async function listen(server: Server | TcpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function receiver(clusterId = 'c1', ackDelayMs = 5): Promise<{ server: Server; port: number; got: Message[] }> {
  const got: Message[] = [];
  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    if (req.url === peerStreamPath) handlePeerStream(req, res, { clusterId, selfId: 'n2', peerBodyLimitBytes: 1 << 20, step: (m) => got.push(...m), ackDelayMs });
    else { res.writeHead(404); res.end(); }
  });
  return { server, port: await listen(server), got };
}

async function counter(metrics: ReturnType<typeof createNodeMetrics>, name: string): Promise<number> {
  const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return (m?.values ?? []).reduce((s, v) => s + v.value, 0);
}

test('batches arrive in order on one stream; acknowledgements count heartbeats delivered', async () => {
  const r = await receiver();
  const metrics = createNodeMetrics(['n2']);
  const t = new PeerTransport({ self: 'n1', clusterId: 'c1', peerUrls: new Map([['n2', `http://127.0.0.1:${r.port}`]]), metrics });
  try {
    for (let i = 1; i <= 200; i++) t.send([heartbeat(i)]);
    await eventually('200 batches received', async () => r.got.length === 200, 5000);
    assert.equal(r.got.map((m) => m.term), Array.from({ length: 200 }, (_, i) => i + 1));
    await eventually('200 heartbeats acknowledged', async () => (await counter(metrics, 'raft_heartbeat_success')) === 200, 5000);
    assert.is(await counter(metrics, 'raft_heartbeat_total'), 200);
    assert.is(await counter(metrics, 'raft_peer_send_errors_total'), 0);
  } finally {
    await t.close();
    r.server.close();
  }
});

test('a link that swallows data without acknowledging is reset and redialled; nothing is counted delivered', async () => {
  const sockets: Socket[] = [];
  const blackHole = createTcpServer((s) => { sockets.push(s); s.resume(); });
  const port = await listen(blackHole);
  const metrics = createNodeMetrics(['n2']);
  const t = new PeerTransport({ self: 'n1', clusterId: 'c1', peerUrls: new Map([['n2', `http://127.0.0.1:${port}`]]), metrics, ackTimeoutMs: 200, reconnectDelayMs: 10 });
  try {
    t.send([heartbeat(1)]);
    await eventually('a send error counted', async () => (await counter(metrics, 'raft_peer_send_errors_total')) >= 1, 5000);
    // A node sends at least a heartbeat every interval; the redial waits reconnectDelayMs.
    let term = 2;
    await eventually('a second connection', async () => { t.send([heartbeat(term++)]); return sockets.length >= 2; }, 5000);
    assert.is(await counter(metrics, 'raft_heartbeat_success'), 0);
  } finally {
    await t.close();
    for (const s of sockets) s.destroy();
    blackHole.close();
  }
});

test('a receiver of another cluster refuses the stream with 409; messages are not stepped', async () => {
  const r = await receiver('other');
  const metrics = createNodeMetrics(['n2']);
  const t = new PeerTransport({ self: 'n1', clusterId: 'c1', peerUrls: new Map([['n2', `http://127.0.0.1:${r.port}`]]), metrics, reconnectDelayMs: 10 });
  try {
    t.send([heartbeat(1)]);
    await eventually('a send error counted', async () => (await counter(metrics, 'raft_peer_send_errors_total')) >= 1, 5000);
    assert.is(r.got.length, 0);
  } finally {
    await t.close();
    r.server.close();
  }
});

// A peer in another process that appends every body chunk it receives to a file.
const recordingPeer = `
const { appendFileSync } = require('node:fs');
const server = require('node:http').createServer((req, res) => {
  res.writeHead(200); res.flushHeaders();
  req.on('data', (d) => appendFileSync(process.argv[1], d));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

test('a send made inside the Raft loop reaches the peer while the loop is still blocked (in fdatasync)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peer-flush-'));
  const file = join(dir, 'received');
  const child = spawn(process.execPath, ['-e', recordingPeer, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const metrics = createNodeMetrics(['n2']);
  let t: PeerTransport | null = null;
  try {
    const [port] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    t = new PeerTransport({ self: 'n1', clusterId: 'c1', peerUrls: new Map([['n2', `http://127.0.0.1:${port}`]]), metrics });
    const received = (term: number) => { try { return readFileSync(file, 'utf8').includes(`"term":${term},`); } catch { return false; } };
    t.send([heartbeat(1)]);
    await eventually('the stream is open', async () => received(1), 5000);
    // The host's loop runs in microtasks and its fdatasync blocks the thread; here a bounded
    // synchronous wait stands in for it. Bytes left corked for the next tick would not arrive.
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    let arrived = false;
    await Promise.resolve().then(() => {
      t!.send([heartbeat(2)]);
      const deadline = Date.now() + 3000;
      while (!(arrived = received(2)) && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 5);
    });
    assert.ok(arrived, 'the batch reached the peer before the sender yielded');
  } finally {
    await t?.close();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed line ends the stream with one JSON error line and steps nothing after it', async () => {
  const r = await receiver();
  try {
    const res = await fetch(`http://127.0.0.1:${r.port}${peerStreamPath}`, {
      method: 'POST', headers: { 'x-raft-cluster': 'c1' },
      body: `${JSON.stringify([heartbeat(1)])}\n{not json\n${JSON.stringify([heartbeat(2)])}\n`,
    });
    assert.is(res.status, 200);
    const lines = (await res.text()).trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1]!) as { error: string; code: string };
    assert.is(last.code, 'BAD_MESSAGE');
    assert.match(last.error, /malformed JSON/);
    assert.equal(r.got.map((m) => m.term), [1]);
  } finally {
    r.server.close();
  }
});

test.run();
