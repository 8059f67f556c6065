// Contracts where Toxiproxy 2.12's source decides behaviour beyond the transcript: listen
// validation and restarts on PATCH, /populate's partial success, case-insensitive streams, and the
// wire shape of timeout, bandwidth and slicer. Each test uses real sockets and real bytes.
import { performance } from 'node:perf_hooks';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startEchoServer, type EchoServer } from './echo-server.ts';
import { startToxiproxyServer, type StartedToxiproxyServer } from './server.ts';
import { SocketProbe } from './socket-probe.ts';
import { sliceBounds } from './toxics/slicer.ts';

let server: StartedToxiproxyServer;
let echo: EchoServer;
const probes: SocketProbe[] = [];

interface Raw { status: number; text: string }
async function api(method: string, path: string, body?: string): Promise<Raw> {
  const res = await fetch(server.url + path, { method, body });
  return { status: res.status, text: await res.text() };
}
const portOf = (listen: string) => Number(listen.slice(listen.lastIndexOf(':') + 1));

async function createEchoProxy(name = 'echo'): Promise<{ listen: string; port: number }> {
  const r = await api('POST', '/proxies', JSON.stringify({ name, listen: '127.0.0.1:0', upstream: echo.address }));
  assert.is(r.status, 201);
  const listen = (JSON.parse(r.text) as { listen: string }).listen;
  return { listen, port: portOf(listen) };
}

async function connect(port: number): Promise<SocketProbe> {
  const probe = await SocketProbe.connect(port);
  probes.push(probe);
  return probe;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.before(async () => {
  echo = await startEchoServer();
  server = await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed: 7 });
});

test.after(async () => {
  await server.close();
  await echo.close();
});

test.before.each(async () => {
  await api('POST', '/reset');
  const all = JSON.parse((await api('GET', '/proxies')).text) as Record<string, unknown>;
  for (const name of Object.keys(all)) await api('DELETE', `/proxies/${encodeURIComponent(name)}`);
});

test.after.each(() => {
  for (const p of probes.splice(0)) p.destroy();
});

test('PATCH with an invalid listen leaves the proxy serving (500, nothing changed)', async () => {
  const { listen, port } = await createEchoProxy();
  const live = await connect(port);
  assert.ok(await live.roundTrip(Buffer.from('before'), 3000) !== undefined);
  const cases: Array<[string, string]> = [
    ['nonsense', 'address nonsense: missing port in address'],
    ['1:2:3', 'address 1:2:3: too many colons in address'],
    ['127.0.0.1:99999', 'address 99999: invalid port'],
  ];
  for (const [bad, message] of cases) {
    const r = await api('PATCH', '/proxies/echo', JSON.stringify({ listen: bad }));
    assert.is(r.status, 500);
    assert.is(r.text, `{"error":${JSON.stringify(message)},"status":500}\n`);
  }
  const shown = JSON.parse((await api('GET', '/proxies/echo')).text) as { listen: string; enabled: boolean };
  assert.equal([shown.listen, shown.enabled], [listen, true]);
  assert.ok(await live.roundTrip(Buffer.from('after'), 3000) !== undefined, 'the open connection still carries bytes');
  const fresh = await connect(port);
  assert.ok(await fresh.roundTrip(Buffer.from('new'), 3000) !== undefined, 'new connections are accepted');
});

test('PATCH with an invalid listen on a disabled proxy is checked first: 500, nothing stored', async () => {
  const { listen } = await createEchoProxy();
  assert.is((await api('PATCH', '/proxies/echo', '{"enabled":false}')).status, 200);
  const r = await api('PATCH', '/proxies/echo', '{"listen":"nonsense"}');
  assert.is(r.status, 500);
  assert.is(r.text, '{"error":"address nonsense: missing port in address","status":500}\n');
  const shown = JSON.parse((await api('GET', '/proxies/echo')).text) as { listen: string; enabled: boolean };
  assert.equal([shown.listen, shown.enabled], [listen, false]);
});

test('PATCH listen to an equivalent address (localhost for 127.0.0.1) keeps live connections', async () => {
  const { listen, port } = await createEchoProxy();
  const live = await connect(port);
  assert.ok(await live.roundTrip(Buffer.from('one'), 3000) !== undefined);
  const r = await api('PATCH', '/proxies/echo', JSON.stringify({ listen: `localhost:${port}` }));
  assert.is(r.status, 200);
  assert.is((JSON.parse(r.text) as { listen: string }).listen, listen, 'the stored address is the bound one');
  assert.ok(await live.roundTrip(Buffer.from('two'), 3000) !== undefined, 'connection survived');
  assert.is(live.closedAtMs, undefined);
});

test('PATCH listen to a different address restarts the listener and drops live connections', async () => {
  const { port } = await createEchoProxy();
  const live = await connect(port);
  assert.ok(await live.roundTrip(Buffer.from('one'), 3000) !== undefined);
  const r = await api('PATCH', '/proxies/echo', '{"listen":"127.0.0.1:0"}');
  assert.is(r.status, 200);
  const moved = portOf((JSON.parse(r.text) as { listen: string }).listen);
  assert.is.not(moved, port);
  assert.ok(await live.waitClosed(3000), 'old connection dropped');
  const fresh = await connect(moved);
  assert.ok(await fresh.roundTrip(Buffer.from('x'), 3000) !== undefined);
});

test('/populate keeps the proxies applied before an entry that cannot listen, and returns them beside the error', async () => {
  const apiPort = portOf(server.url);
  const body = JSON.stringify([
    { name: 'first', listen: '127.0.0.1:0', upstream: echo.address },
    { name: 'clash', listen: `127.0.0.1:${apiPort}`, upstream: echo.address },
    { name: 'never', listen: '127.0.0.1:0', upstream: echo.address },
  ]);
  const res = await fetch(`${server.url}/populate`, { method: 'POST', body });
  assert.is(res.status, 500);
  assert.is(res.headers.get('content-type'), 'application/json');
  const out = JSON.parse(await res.text()) as { error: string; status: number; proxies: Array<{ name: string; listen: string }> };
  assert.is(out.error, `listen tcp 127.0.0.1:${apiPort}: bind: address already in use`);
  assert.is(out.status, 500);
  assert.equal(out.proxies.map((p) => p.name), ['first']);
  const all = JSON.parse((await api('GET', '/proxies')).text) as Record<string, { listen: string }>;
  assert.equal(Object.keys(all), ['first']);
  const probe = await connect(portOf(all.first!.listen));
  assert.ok(await probe.roundTrip(Buffer.from('kept and serving'), 3000) !== undefined);
});

test('/populate naming an existing proxy at an equivalent address keeps it, toxics and connections included', async () => {
  const { port } = await createEchoProxy();
  await api('POST', '/proxies/echo/toxics', '{"type":"latency","attributes":{"latency":1}}');
  const live = await connect(port);
  assert.ok(await live.roundTrip(Buffer.from('a'), 3000) !== undefined);
  const r = await api('POST', '/populate', JSON.stringify([{ name: 'echo', listen: `localhost:${port}`, upstream: echo.address }]));
  assert.is(r.status, 201);
  assert.is((JSON.parse(r.text) as { proxies: Array<{ toxics: unknown[] }> }).proxies[0]!.toxics.length, 1);
  assert.ok(await live.roundTrip(Buffer.from('b'), 3000) !== undefined);
});

test('a toxic stream is case-insensitive, stored as sent, and the default name keeps its case', async () => {
  await createEchoProxy();
  await api('POST', '/proxies/echo/toxics', '{"name":"down","type":"latency"}');
  const up = await api('POST', '/proxies/echo/toxics', '{"type":"latency","stream":"Upstream","attributes":{"latency":5}}');
  assert.is(up.status, 200);
  assert.is(up.text, '{"attributes":{"latency":5,"jitter":0},"name":"latency_Upstream","type":"latency","stream":"Upstream","toxicity":1}');
  const down = await api('POST', '/proxies/echo/toxics', '{"type":"slicer","stream":"DOWNSTREAM"}');
  assert.is((JSON.parse(down.text) as { name: string }).name, 'slicer_DOWNSTREAM');
  // Upstream toxics are listed first: "Upstream" went to the upstream chain.
  const names = (JSON.parse((await api('GET', '/proxies/echo/toxics')).text) as Array<{ name: string }>).map((t) => t.name);
  assert.equal(names, ['latency_Upstream', 'down', 'slicer_DOWNSTREAM']);
  const bad = await api('POST', '/proxies/echo/toxics', '{"type":"latency","stream":"sideways"}');
  assert.is(bad.status, 400);
});

test('timeout toxic closes only after `timeout` ms without data: every chunk restarts the clock', async () => {
  const { port } = await createEchoProxy();
  await api('POST', '/proxies/echo/toxics', '{"type":"timeout","stream":"upstream","attributes":{"timeout":800}}');
  const probe = await connect(port);
  // 1.6 s of traffic, a chunk every 100 ms: twice the timeout, yet the connection must stay open.
  const trafficEnd = performance.now() + 1600;
  while (performance.now() < trafficEnd) {
    probe.socket.write('x');
    await sleep(100);
    assert.is(probe.closedAtMs, undefined, 'closed while data was flowing');
  }
  const lastWrite = performance.now();
  assert.ok(await probe.waitClosed(5000), 'closed once the data stopped');
  assert.ok(probe.closedAtMs! - lastWrite >= 650, `closed ${probe.closedAtMs! - lastWrite} ms after the last chunk`);
  assert.is(probe.received.length, 0);
});

test('bandwidth holds the configured rate over a large transfer (late timers are caught up)', async () => {
  const { port } = await createEchoProxy();
  await api('POST', '/proxies/echo/toxics', '{"type":"bandwidth","stream":"downstream","attributes":{"rate":200}}');
  const probe = await connect(port);
  const payload = Buffer.alloc(400_000);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
  const elapsed = await probe.roundTrip(payload, 20_000);
  assert.ok(elapsed !== undefined, 'all bytes arrived');
  assert.ok(probe.received.equals(payload));
  // 400 KB at 200 KB/s is 2 s. Never faster than the rate; the precise figure is in proxy-bench.
  assert.ok(elapsed! >= 1950, `took ${elapsed} ms`);
  assert.ok(elapsed! <= 3500, `took ${elapsed} ms`);
});

test('slicer cuts by repeated halving of the range, not into even average-size slices', async () => {
  // 100 bytes, average 10, no variation: 100 -> 50 -> 25 -> 12|13 -> 6|6, 6|7.
  assert.equal(sliceBounds(100, 10, 0, Math.random).slice(0, 5), [0, 6, 12, 18, 25]);
  const { port } = await createEchoProxy();
  await api('POST', '/proxies/echo/toxics', '{"type":"slicer","attributes":{"average_size":10,"size_variation":0,"delay":30000}}');
  const probe = await connect(port);
  const reads: number[] = [];
  probe.socket.on('data', (d: Buffer) => reads.push(d.length));
  const payload = Buffer.from('0123456789'.repeat(10));
  assert.ok(await probe.roundTrip(payload, 10_000) !== undefined);
  assert.ok(probe.received.equals(payload));
  // Each read ends on a halving boundary (reads may merge slices on a loaded machine, never split one).
  const expected = new Set([6, 12, 18, 25, 31, 37, 43, 50, 56, 62, 68, 75, 81, 87, 93, 100]);
  let at = 0;
  for (const n of reads) {
    at += n;
    assert.ok(expected.has(at), `a read ended at byte ${at}; reads ${reads.join(',')}`);
  }
  assert.ok(reads.length >= 8, `slices arrived apart: ${reads.join(',')}`);
});

test('slicer waits the full delay after each slice even when a timer fires late: no burst of late slices', async () => {
  const { port } = await createEchoProxy();
  // 80 bytes, average 10: eight 10-byte slices, 40 ms apart.
  await api('POST', '/proxies/echo/toxics', '{"type":"slicer","attributes":{"average_size":10,"size_variation":0,"delay":40000}}');
  const probe = await connect(port);
  let blocked = false;
  probe.socket.on('data', () => {
    if (blocked) return;
    blocked = true;
    // Stall this process (server included) for 200 ms right after the first slice.
    const until = performance.now() + 200;
    while (performance.now() < until) { /* busy */ }
  });
  const payload = Buffer.alloc(80, 1);
  const started = performance.now();
  const elapsed = await probe.roundTrip(payload, 10_000);
  assert.ok(elapsed !== undefined && probe.received.equals(payload));
  // Upstream: slice 2 leaves when the stall ends, then six full pauses: >= 200 + 6 * 40 ms.
  // Catching up on the late timer would end at about 7 * 40 = 280 ms.
  assert.ok(performance.now() - started >= 420, `took ${Math.round(performance.now() - started)} ms`);
});

test('slicer offsets each cut by [-variation, variation) and never loops or cuts outside the range', () => {
  let draws = 0;
  const lowest = () => { draws++; return 0; };
  // Offset -variation on every cut: 100 -> 48, then halved until <= average + variation.
  const b = sliceBounds(100, 10, 2, lowest);
  assert.is(b[b.length - 1], 100);
  assert.ok(draws > 0);
  for (let i = 1; i < b.length; i++) assert.ok(b[i]! > b[i - 1]!, 'every slice is non-empty');
  // Upstream recurses forever here (average 0, a 1-byte range); we stop at single bytes.
  assert.equal(sliceBounds(4, 0, 0, Math.random), [0, 1, 2, 3, 4]);
  const wide = sliceBounds(30, 0, 20, () => 0.999);
  assert.is(wide[wide.length - 1], 30);
  for (let i = 1; i < wide.length; i++) assert.ok(wide[i]! > wide[i - 1]!);
});

test('a toxic update that fails to decode answers 400 and changes nothing (deviation: upstream stores part of it)', async () => {
  await createEchoProxy();
  await api('POST', '/proxies/echo/toxics', '{"name":"lat","type":"latency","attributes":{"latency":10}}');
  const r = await api('PATCH', '/proxies/echo/toxics/lat', '{"attributes":{"jitter":4,"latency":"x"},"toxicity":0.5}');
  assert.is(r.status, 400);
  assert.is(JSON.parse(r.text).error, 'bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.attributes.latency of type int64');
  assert.is((await api('GET', '/proxies/echo/toxics/lat')).text,
    '{"attributes":{"latency":10,"jitter":0},"name":"lat","type":"latency","stream":"downstream","toxicity":1}');
});

test.run();
