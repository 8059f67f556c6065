// Each toxic's effect on real bytes: a real echo server behind a proxy created and poisoned through
// toxiproxy-node-client, a real client socket in front. Timing bounds are only where timing is the
// behaviour (latency, bandwidth, slow_close, timeout) and are generous lower bounds, or upper
// bounds far from the toxic's own delay, because the machine is shared.
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { startEchoServer, type EchoServer } from './echo-server.ts';
import { startToxiproxyServer, type StartedToxiproxyServer } from './server.ts';
import { SocketProbe } from './socket-probe.ts';

let server: StartedToxiproxyServer;
let echo: EchoServer;
let client: Toxiproxy;
let proxy: Proxy;
const probes: SocketProbe[] = [];

const portOf = (p: Proxy) => Number(p.listen.slice(p.listen.lastIndexOf(':') + 1));

async function connect(): Promise<SocketProbe> {
  const probe = await SocketProbe.connect(portOf(proxy));
  probes.push(probe);
  return probe;
}

test.before(async () => {
  echo = await startEchoServer();
  server = await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed: 42 });
  client = new Toxiproxy(server.url);
});

test.after(async () => {
  await server.close();
  await echo.close();
});

test.before.each(async () => {
  await client.reset();
  for (const p of Object.values(await client.getAll())) await p.remove();
  proxy = await client.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address });
});

test.after.each(() => {
  for (const p of probes.splice(0)) p.destroy();
});

test('no toxic: 1 MiB goes through intact and EOF is passed on', async () => {
  const probe = await connect();
  const payload = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
  probe.socket.end(payload);
  assert.ok(await probe.waitFor(() => probe.endedAtMs !== undefined, 10_000), 'echo EOF reached the client');
  assert.ok(probe.received.equals(payload));
});

test('latency: a round trip takes at least the set delay (downstream and upstream add up)', async () => {
  const probe = await connect();
  const baseline = await probe.roundTrip(Buffer.from('warm'), 2000);
  assert.ok(baseline !== undefined);
  await proxy.addToxic({ name: 'down', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 150, jitter: 0 } });
  const down = await probe.roundTrip(Buffer.from('ping'), 5000);
  assert.ok(down !== undefined && down >= 150, `round trip ${down} ms`);
  await proxy.addToxic({ name: 'up', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 100, jitter: 0 } });
  const both = await probe.roundTrip(Buffer.from('ping'), 5000);
  assert.ok(both !== undefined && both >= 250, `round trip ${both} ms`);
});

test('latency with toxicity 0 never applies; removing a toxic restores a live connection', async () => {
  await proxy.addToxic({ name: 'never', type: 'latency', stream: 'downstream', toxicity: 0, attributes: { latency: 3000, jitter: 0 } });
  const probe = await connect();
  const skipped = await probe.roundTrip(Buffer.from('ping'), 2500);
  assert.ok(skipped !== undefined, 'a toxic rolled inactive must not delay');
  const slow = await proxy.addToxic({ name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 3000, jitter: 0 } });
  probe.socket.write('held');
  assert.not.ok(await probe.waitBytes(8, 300), 'held back by the new toxic on the open connection');
  await slow.remove();
  assert.ok(await probe.waitBytes(8, 2000), 'released as soon as the toxic is removed');
  assert.is(probe.received.toString(), 'pingheld');
});

test('timeout 0: blackholes data while the connection stays open; removing it closes the connection', async () => {
  const toxic = await proxy.addToxic({ name: 'hole', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
  const probe = await connect();
  probe.socket.write('lost');
  assert.not.ok(await probe.waitFor(() => probe.received.length > 0 || probe.closedAtMs !== undefined, 600));
  await toxic.remove();
  assert.ok(await probe.waitClosed(3000), 'connection closed when the blackhole was removed');
  assert.is(probe.received.length, 0);
});

test('timeout > 0: no data gets through and the connection closes after the timeout', async () => {
  await proxy.addToxic({ name: 't', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 300 } });
  const probe = await connect();
  const started = performance.now();
  probe.socket.write('ping');
  assert.ok(await probe.waitClosed(5000));
  assert.is(probe.received.length, 0);
  assert.ok(probe.closedAtMs! - started >= 250, `closed after ${probe.closedAtMs! - started} ms`);
});

test('limit_data: exactly N bytes pass, then the connection closes', async () => {
  await proxy.addToxic({ name: 'lim', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 10 } });
  const probe = await connect();
  probe.socket.write(Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'));
  assert.ok(await probe.waitClosed(3000), 'closed after the limit');
  assert.is(probe.received.toString(), '0123456789');
});

test('limit_data upstream: the server receives only N bytes, then the connection closes', async () => {
  let seen = Buffer.alloc(0);
  let serverSawEnd = false;
  const recorder = net.createServer((socket) => {
    socket.on('data', (d: Buffer) => { seen = Buffer.concat([seen, d]); });
    socket.on('end', () => { serverSawEnd = true; });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => recorder.listen(0, '127.0.0.1', r));
  try {
    const port = (recorder.address() as net.AddressInfo).port;
    const limited = await client.createProxy({ name: 'rec', listen: '127.0.0.1:0', upstream: `127.0.0.1:${port}` });
    await limited.addToxic({ name: 'lim', type: 'limit_data', stream: 'upstream', toxicity: 1, attributes: { bytes: 5 } });
    const probe = await SocketProbe.connect(portOf(limited));
    probes.push(probe);
    probe.socket.write('hello world');
    assert.ok(await probe.waitClosed(3000), 'client connection closed');
    assert.ok(await probe.waitFor(() => serverSawEnd, 3000), 'server connection closed');
    assert.is(seen.toString(), 'hello');
  } finally {
    recorder.close();
  }
});

test('reset_peer: the client gets ECONNRESET after the timeout, and the data is not delivered', async () => {
  await proxy.addToxic({ name: 'rp', type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 100 } });
  const probe = await connect();
  probe.socket.write('ping');
  assert.ok(await probe.waitClosed(3000));
  assert.is(probe.errorCode, 'ECONNRESET');
  assert.is(probe.received.length, 0);
});

test('bandwidth: 60 KB at 30 KB/s takes about two seconds, bytes intact', async () => {
  await proxy.addToxic({ name: 'bw', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 30 } });
  const probe = await connect();
  const payload = Buffer.alloc(60_000, 7);
  const elapsed = await probe.roundTrip(payload, 15_000);
  assert.ok(elapsed !== undefined, 'all bytes arrived');
  assert.ok(elapsed >= 1500, `took ${elapsed} ms`);
  assert.ok(probe.received.equals(payload));
});

test('slicer: data arrives in many small pieces, in order', async () => {
  await proxy.addToxic({ name: 'sl', type: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 10, size_variation: 4, delay: 20_000 } });
  const probe = await connect();
  const payload = Buffer.from('abcdefghijklmnopqrstuvwxyz'.repeat(8));
  assert.ok(await probe.roundTrip(payload, 10_000) !== undefined);
  assert.ok(probe.received.equals(payload));
  assert.ok(probe.chunks >= 8, `${probe.chunks} reads`);
});

test('slow_close: EOF reaches the client only after the delay', async () => {
  await proxy.addToxic({ name: 'sc', type: 'slow_close', stream: 'downstream', toxicity: 1, attributes: { delay: 400 } });
  const probe = await connect();
  assert.ok(await probe.roundTrip(Buffer.from('bye'), 2000) !== undefined, 'data is not delayed');
  const ended = performance.now();
  probe.socket.end();
  assert.ok(await probe.waitFor(() => probe.endedAtMs !== undefined, 5000));
  assert.ok(probe.endedAtMs! - ended >= 350, `EOF after ${probe.endedAtMs! - ended} ms`);
});

test('toxic update applies to an open connection (latency raised live)', async () => {
  const toxic = await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 0, jitter: 0 } });
  const probe = await connect();
  assert.ok(await probe.roundTrip(Buffer.from('a'), 2000) !== undefined);
  await toxic.update({ ...toxic.toJson(), attributes: { latency: 200, jitter: 0 } });
  const rt = await probe.roundTrip(Buffer.from('b'), 5000);
  assert.ok(rt !== undefined && rt >= 200, `round trip ${rt} ms`);
});

test('disabled proxy refuses connections and drops open ones; enabling reopens the same address', async () => {
  const open = await connect();
  assert.ok(await open.roundTrip(Buffer.from('x'), 2000) !== undefined);
  await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
  assert.ok(await open.waitClosed(3000), 'open connection closed');
  const refused = await SocketProbe.connect(portOf(proxy)).then(() => 'connected', (e: NodeJS.ErrnoException) => e.code);
  assert.is(refused, 'ECONNREFUSED');
  await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
  const again = await connect();
  assert.ok(await again.roundTrip(Buffer.from('y'), 2000) !== undefined);
});

test('upstream down: the client connection is closed', async () => {
  const dead = await client.createProxy({ name: 'dead', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
  const probe = await SocketProbe.connect(portOf(dead));
  probes.push(probe);
  assert.ok(await probe.waitClosed(3000));
});

test.run();
