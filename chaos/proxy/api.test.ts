// API conformance against the Toxiproxy 2.12 transcript (/work/shared/reference/...): numbers in
// [brackets] name the transcript case a check comes from. Raw details (headers, exact bytes) go
// through fetch; the rest through toxiproxy-node-client, unchanged, as a user would call it.
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import { startToxiproxyServer, type StartedToxiproxyServer } from './server.ts';

let server: StartedToxiproxyServer;
let upstreamPort: number;

interface Raw { status: number; headers: Headers; text: string }

async function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Raw> {
  const res = await fetch(server.url + path, { method, body, headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A port that is free right now (bound and released), for listen addresses the test names. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function proxyBody(name: string, listen: string, upstream: string, enabled = true, toxics = '[]'): string {
  return `{"name":"${name}","listen":"${listen}","upstream":"${upstream}","enabled":${enabled},"Logger":{},"toxics":${toxics}}`;
}

function assertJsonError(r: Raw, status: number, message: string): void {
  assert.is(r.status, status);
  assert.is(r.text, `{"error":${JSON.stringify(message)},"status":${status}}\n`);
  assert.is(r.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.is(r.headers.get('x-content-type-options'), 'nosniff');
  assert.match(r.headers.get('x-toxiproxy-request-id') ?? '', /^[0-9a-v]{20}$/);
}

async function rejection(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  assert.unreachable('expected a rejection');
  throw new Error('unreachable');
}

test.before(async () => {
  server = await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed: 1 });
  upstreamPort = await freePort();
});

test.after(async () => {
  await server.close();
});

test.before.each(async () => {
  const all = JSON.parse((await raw('GET', '/proxies')).text) as Record<string, unknown>;
  for (const name of Object.keys(all)) await raw('DELETE', `/proxies/${encodeURIComponent(name)}`);
});

test('[1] GET /version: exact body, content type and request id', async () => {
  const r = await raw('GET', '/version');
  assert.is(r.status, 200);
  assert.is(r.text, '{"version": "2.12.0"}\n');
  assert.is(r.headers.get('content-type'), 'application/json;charset=utf-8');
  assert.match(r.headers.get('x-toxiproxy-request-id') ?? '', /^[0-9a-v]{20}$/);
  assert.is(await new Toxiproxy(server.url).getVersion(), '{"version": "2.12.0"}\n');
});

test('[2]-[7] create proxies: 201, shapes, key order, bound port reported, map sorted by name', async () => {
  assert.is((await raw('GET', '/proxies')).text, '{}');
  const up = `127.0.0.1:${upstreamPort}`;
  const fixed = await freePort();
  const a = await raw('POST', '/proxies', `{"name":"test","listen":"127.0.0.1:${fixed}","upstream":"${up}"}`, { 'content-type': 'application/json' });
  assert.is(a.status, 201);
  assert.is(a.headers.get('content-type'), 'application/json');
  assert.is(a.text, proxyBody('test', `127.0.0.1:${fixed}`, up));
  const b = await raw('POST', '/proxies', `{"name":"test2","listen":"127.0.0.1:26380","upstream":"${up}","enabled":false}`);
  assert.is(b.text, proxyBody('test2', '127.0.0.1:26380', up, false));
  const c = await raw('POST', '/proxies', `{"name":"a3","listen":"127.0.0.1:0","upstream":"${up}"}`);
  const listen = (JSON.parse(c.text) as { listen: string }).listen;
  assert.match(listen, /^127\.0\.0\.1:\d+$/);
  assert.is.not(listen, '127.0.0.1:0');
  const all = await raw('GET', '/proxies');
  assert.is(all.text, `{"a3":${c.text},"test":${a.text},"test2":${b.text}}`);
  assert.is((await raw('GET', '/proxies/test')).text, a.text);
});

test('[41] missing listen binds every interface and reports [::]:port', async () => {
  const r = await raw('POST', '/proxies', `{"name":"nolisten","upstream":"127.0.0.1:${upstreamPort}"}`);
  assert.is(r.status, 201);
  assert.match((JSON.parse(r.text) as { listen: string }).listen, /^\[::\]:\d+$/);
});

test('[8]-[16] toxics: 200 on create, defaults, key order, float32 toxicity, upstream listed first', async () => {
  await raw('POST', '/proxies', `{"name":"test","listen":"127.0.0.1:0","upstream":"127.0.0.1:${upstreamPort}"}`);
  const create = (body: string) => raw('POST', '/proxies/test/toxics', body);
  const lat = await create('{"name":"lat","type":"latency","stream":"downstream","toxicity":1.0,"attributes":{"latency":1000,"jitter":50}}');
  assert.is(lat.status, 200);
  assert.is(lat.text, '{"attributes":{"latency":1000,"jitter":50},"name":"lat","type":"latency","stream":"downstream","toxicity":1}');
  assert.is((await create('{"type":"bandwidth","attributes":{"rate":100}}')).text,
    '{"attributes":{"rate":100},"name":"bandwidth_downstream","type":"bandwidth","stream":"downstream","toxicity":1}');
  const timeout = await create('{"type":"timeout","stream":"upstream","toxicity":0.5,"attributes":{"timeout":0}}');
  assert.is(timeout.text, '{"attributes":{"timeout":0},"name":"timeout_upstream","type":"timeout","stream":"upstream","toxicity":0.5}');
  assert.is((await create('{"name":"sc","type":"slow_close","attributes":{"delay":10}}')).text,
    '{"attributes":{"delay":10},"name":"sc","type":"slow_close","stream":"downstream","toxicity":1}');
  assert.is((await create('{"name":"sl","type":"slicer","attributes":{"average_size":64,"size_variation":32,"delay":10}}')).text,
    '{"attributes":{"average_size":64,"size_variation":32,"delay":10},"name":"sl","type":"slicer","stream":"downstream","toxicity":1}');
  assert.is((await create('{"name":"rp","type":"reset_peer","attributes":{"timeout":100}}')).text,
    '{"attributes":{"timeout":100},"name":"rp","type":"reset_peer","stream":"downstream","toxicity":1}');
  assert.is((await create('{"name":"lim","type":"limit_data","attributes":{"bytes":1024}}')).text,
    '{"attributes":{"bytes":1024},"name":"lim","type":"limit_data","stream":"downstream","toxicity":1}');
  assert.is((await create('{"name":"noop1","type":"noop"}')).text,
    '{"attributes":{},"name":"noop1","type":"noop","stream":"downstream","toxicity":1}');
  assert.is((await create('{"name":"x4","type":"latency","toxicity":5}')).text,
    '{"attributes":{"latency":0,"jitter":0},"name":"x4","type":"latency","stream":"downstream","toxicity":5}');
  assert.is((await create('{"name":"f","type":"noop","toxicity":0.1}')).text,
    '{"attributes":{},"name":"f","type":"noop","stream":"downstream","toxicity":0.1}');
  const list = JSON.parse((await raw('GET', '/proxies/test/toxics')).text) as Array<{ name: string }>;
  assert.equal(list.map((t) => t.name), ['timeout_upstream', 'lat', 'bandwidth_downstream', 'sc', 'sl', 'rp', 'lim', 'noop1', 'x4', 'f']);
  assert.is((await raw('GET', '/proxies/test/toxics/lat')).text, lat.text);
});

test('[17]-[23] PATCH and POST merge attributes and toxicity; name/type/stream in the body are ignored', async () => {
  await raw('POST', '/proxies', `{"name":"test","listen":"127.0.0.1:0","upstream":"127.0.0.1:${upstreamPort}"}`);
  await raw('POST', '/proxies/test/toxics', '{"name":"lat","type":"latency","attributes":{"latency":1000,"jitter":50}}');
  const base = (latency: number, jitter: number, toxicity: string) =>
    `{"attributes":{"latency":${latency},"jitter":${jitter}},"name":"lat","type":"latency","stream":"downstream","toxicity":${toxicity}}`;
  assert.is((await raw('PATCH', '/proxies/test/toxics/lat', '{"attributes":{"latency":200}}')).text, base(200, 50, '1'));
  assert.is((await raw('PATCH', '/proxies/test/toxics/lat', '{"toxicity":0.25}')).text, base(200, 50, '0.25'));
  assert.is((await raw('POST', '/proxies/test/toxics/lat', '{"attributes":{"jitter":5}}')).text, base(200, 5, '0.25'));
  const renamed = await raw('PATCH', '/proxies/test/toxics/lat', '{"stream":"upstream","type":"bandwidth","name":"renamed"}');
  assert.is(renamed.status, 200);
  assert.is(renamed.text, base(200, 5, '0.25'));
  const del = await raw('DELETE', '/proxies/test/toxics/lat');
  assert.is(del.status, 204);
  assert.is(del.text, '');
  assert.match(del.headers.get('x-toxiproxy-request-id') ?? '', /^[0-9a-v]{20}$/);
});

test('[24]-[28] proxy PATCH/POST: partial update of enabled, upstream and listen', async () => {
  const first = await freePort();
  const second = await freePort();
  await raw('POST', '/proxies', `{"name":"test","listen":"127.0.0.1:${first}","upstream":"127.0.0.1:${upstreamPort}"}`);
  const off = await raw('PATCH', '/proxies/test', '{"enabled":false}');
  assert.is(off.status, 200);
  assert.is(off.text, proxyBody('test', `127.0.0.1:${first}`, `127.0.0.1:${upstreamPort}`, false));
  assert.is((await raw('PATCH', '/proxies/test', '{"enabled":true}')).text, proxyBody('test', `127.0.0.1:${first}`, `127.0.0.1:${upstreamPort}`));
  assert.is((await raw('POST', '/proxies/test', '{"upstream":"127.0.0.1:6390"}')).text, proxyBody('test', `127.0.0.1:${first}`, '127.0.0.1:6390'));
  assert.is((await raw('PATCH', '/proxies/test', `{"listen":"127.0.0.1:${second}"}`)).text, proxyBody('test', `127.0.0.1:${second}`, '127.0.0.1:6390'));
});

test('[30]-[32] reset: 204, toxics removed, disabled proxies enabled, proxies kept', async () => {
  await raw('POST', '/proxies', `{"name":"a","listen":"127.0.0.1:0","upstream":"127.0.0.1:${upstreamPort}"}`);
  await raw('POST', '/proxies', `{"name":"b","listen":"127.0.0.1:0","upstream":"127.0.0.1:${upstreamPort}","enabled":false}`);
  await raw('POST', '/proxies/a/toxics', '{"type":"latency"}');
  const r = await raw('POST', '/reset');
  assert.is(r.status, 204);
  assert.is(r.text, '');
  const all = JSON.parse((await raw('GET', '/proxies')).text) as Record<string, { enabled: boolean; toxics: unknown[] }>;
  assert.equal(Object.keys(all), ['a', 'b']);
  assert.ok(all.a!.enabled && all.b!.enabled);
  assert.equal(all.a!.toxics, []);
});

test('[33]-[36] populate: 201 {proxies:[...]}, [] gives null, same address keeps the proxy and its toxics', async () => {
  const up = `127.0.0.1:${upstreamPort}`;
  const p1 = await freePort();
  const p2 = await freePort();
  const r = await raw('POST', '/populate', `[{"name":"pop1","listen":"127.0.0.1:${p1}","upstream":"${up}","enabled":true},{"name":"pop2","listen":"127.0.0.1:${p2}","upstream":"${up}","enabled":false}]`);
  assert.is(r.status, 201);
  assert.is(r.headers.get('content-type'), 'application/json');
  assert.is(r.text, `{"proxies":[${proxyBody('pop1', `127.0.0.1:${p1}`, up)},${proxyBody('pop2', `127.0.0.1:${p2}`, up, false)}]}`);
  assert.is((await raw('POST', '/populate', '[]')).text, '{"proxies":null}');
  await raw('POST', '/proxies/pop1/toxics', '{"type":"latency"}');
  const again = await raw('POST', '/populate', `[{"name":"pop1","listen":"127.0.0.1:${p1}","upstream":"${up}"}]`);
  assert.is((JSON.parse(again.text) as { proxies: Array<{ toxics: unknown[] }> }).proxies[0]!.toxics.length, 1);
  const moved = await raw('POST', '/populate', `[{"name":"pop1","listen":"127.0.0.1:${p1}","upstream":"127.0.0.1:1"}]`);
  assert.is(moved.text, `{"proxies":[${proxyBody('pop1', `127.0.0.1:${p1}`, '127.0.0.1:1')}]}`);
});

test('[51]-[55],[77] populate validation errors: JSON with proxies:null, and nothing in the batch is applied', async () => {
  const up = `127.0.0.1:${upstreamPort}`;
  const populateError = (r: Raw, status: number, message: string) => {
    assert.is(r.status, status);
    assert.is(r.headers.get('content-type'), 'application/json');
    assert.is(r.text, `{"error":${JSON.stringify(message)},"status":${status},"proxies":null}`);
  };
  populateError(await raw('POST', '/populate', '{not json'), 400, "bad request body: invalid character 'n' looking for beginning of object key string");
  const obj = await raw('POST', '/populate', '{"name":"obj"}');
  assert.is(obj.text.length, 178);
  populateError(obj, 400, 'bad request body: json: cannot unmarshal object into Go value of type []struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }');
  populateError(await raw('POST', '/populate', '[{"name":"pop3","listen":"127.0.0.1:26392"}]'), 400, 'missing required field: upstream at proxy 1');
  populateError(await raw('POST', '/populate', `[{"name":"pop4","listen":"127.0.0.1:0","upstream":"${up}"},{"listen":"127.0.0.1:0","upstream":"${up}"}]`), 400, 'missing required field: name at proxy 2');
  assert.is((await raw('GET', '/proxies')).text, '{}');
});

test('[38]-[50],[80] 400 errors: Go decoder texts, stream and type checks', async () => {
  await raw('POST', '/proxies', `{"name":"test","listen":"127.0.0.1:0","upstream":"127.0.0.1:${upstreamPort}"}`);
  await raw('POST', '/proxies/test/toxics', '{"name":"t1","type":"latency","attributes":{"latency":1}}');
  const syntax = "bad request body: invalid character 'n' looking for beginning of object key string";
  assertJsonError(await raw('POST', '/proxies', '{not json'), 400, syntax);
  assertJsonError(await raw('POST', '/proxies', '{"listen":"127.0.0.1:0","upstream":"127.0.0.1:1"}'), 400, 'missing required field: name');
  assertJsonError(await raw('POST', '/proxies', '{"name":"noup","listen":"127.0.0.1:0"}'), 400, 'missing required field: upstream');
  assertJsonError(await raw('POST', '/proxies/test/toxics', '{not json'), 400, syntax);
  assertJsonError(await raw('POST', '/proxies/test/toxics', '{"name":"x","type":"nosuchtype"}'), 400, 'invalid toxic type');
  assertJsonError(await raw('POST', '/proxies/test/toxics', '{"name":"x2","type":"latency","stream":"sideways"}'), 400, 'stream was invalid, can be either upstream or downstream');
  assertJsonError(await raw('POST', '/proxies/test/toxics', '{"name":"x3"}'), 400, 'invalid toxic type');
  assertJsonError(await raw('POST', '/proxies/test/toxics', '{"name":"x5","type":"latency","attributes":{"latency":"abc"}}'), 400,
    'bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.attributes.latency of type int64');
  assertJsonError(await raw('PATCH', '/proxies/test', '{not json'), 400, syntax);
  assertJsonError(await raw('PATCH', '/proxies/test/toxics/t1', '{not json'), 400, syntax);
  assertJsonError(await raw('POST', '/proxies/test/toxics/t1'), 400, 'bad request body: EOF');
  assertJsonError(await raw('POST', '/proxies', '{"name":"x"'), 400, 'bad request body: unexpected EOF');
  assertJsonError(await raw('POST', '/proxies', '{"name":5}'), 400, 'bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string');
  assertJsonError(await raw('POST', '/proxies/test/toxics', '{"type":"limit_data","attributes":{"bytes":1.5}}'), 400,
    'bad request body: json: cannot unmarshal number 1.5 into Go struct field LimitDataToxic.attributes.bytes of type int64');
});

test('deep nesting under the size limit: 400 with Go\'s "exceeded max depth" past 10,000 levels, a 10,000-level value decodes, the server stays up', async () => {
  await raw('POST', '/proxies', `{"name":"test","listen":"127.0.0.1:0","upstream":"127.0.0.1:${upstreamPort}"}`);
  const nest = (open: string, close: string, n: number) => open.repeat(n) + close.repeat(n);
  const depth = "bad request body: invalid character '[' exceeded max depth";
  // 200,000 levels is 400 kB, far under the body cap: it once overflowed the parser's stack (500).
  assertJsonError(await raw('POST', '/proxies', nest('[', ']', 200_000)), 400, depth);
  assertJsonError(await raw('POST', '/proxies', `{"name":${nest('[', ']', 10_000)}}`), 400, depth);
  const populate = await raw('POST', '/populate', nest('{"a":', '}', 20_000));
  assert.is(populate.status, 400);
  assert.is(populate.text, `{"error":${JSON.stringify("bad request body: invalid character '{' exceeded max depth")},"status":400,"proxies":null}`);
  assertJsonError(await raw('POST', '/proxies/test/toxics', `{"type":"latency","attributes":{"x":${nest('[', ']', 10_000)}}}`), 400, depth);
  // Exactly Go's limit (10,000 open containers) is valid JSON: decoded, the type error decides.
  assertJsonError(await raw('POST', '/proxies', nest('[', ']', 10_000)), 400, 'bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy');
  const ok = await raw('POST', '/proxies/test/toxics', `{"name":"deep","type":"latency","attributes":{"latency":3,"x":${nest('[', ']', 9_998)}}}`);
  assert.is(ok.status, 200, ok.text);
  assert.is((await raw('GET', '/version')).status, 200);
});

test('[56]-[65] 404s: JSON errors on routed paths, bare text (no request id) on unrouted ones', async () => {
  await raw('POST', '/proxies', `{"name":"test","listen":"127.0.0.1:0","upstream":"127.0.0.1:${upstreamPort}"}`);
  assertJsonError(await raw('GET', '/proxies/nope'), 404, 'proxy not found');
  assertJsonError(await raw('DELETE', '/proxies/nope'), 404, 'proxy not found');
  assertJsonError(await raw('PATCH', '/proxies/nope', '{"enabled":false}'), 404, 'proxy not found');
  assertJsonError(await raw('GET', '/proxies/nope/toxics'), 404, 'proxy not found');
  assertJsonError(await raw('POST', '/proxies/nope/toxics', '{"name":"x","type":"latency"}'), 404, 'proxy not found');
  assertJsonError(await raw('GET', '/proxies/test/toxics/nope'), 404, 'toxic not found');
  assertJsonError(await raw('PATCH', '/proxies/test/toxics/nope', '{"attributes":{"latency":1}}'), 404, 'toxic not found');
  assertJsonError(await raw('DELETE', '/proxies/test/toxics/nope'), 404, 'toxic not found');
  for (const path of ['/nope', '/proxies/test/toxics/t1/extra', '/metrics']) {
    const r = await raw('GET', path);
    assert.is(r.status, 404);
    assert.is(r.text, '404 page not found\n');
    assert.is(r.headers.get('x-toxiproxy-request-id'), null);
  }
});

test('[66]-[69] 409s for duplicate proxy and toxic names, including default toxic names', async () => {
  await raw('POST', '/proxies', `{"name":"test","listen":"127.0.0.1:0","upstream":"127.0.0.1:${upstreamPort}"}`);
  assertJsonError(await raw('POST', '/proxies', `{"name":"test","listen":"127.0.0.1:0","upstream":"127.0.0.1:1"}`), 409, 'proxy already exists');
  assert.is((await raw('POST', '/proxies/test/toxics', '{"type":"latency"}')).status, 200);
  assertJsonError(await raw('POST', '/proxies/test/toxics', '{"type":"latency"}'), 409, 'toxic already exists');
});

test('[70]-[76] 405 bare, 403 for browsers, 500 for listen failures', async () => {
  for (const [method, path] of [['PUT', '/proxies'], ['DELETE', '/reset'], ['GET', '/reset'], ['GET', '/populate']] as const) {
    const r = await raw(method, path, method === 'PUT' ? '{}' : undefined);
    assert.is(r.status, 405);
    assert.is(r.text, '');
    assert.is(r.headers.get('content-length'), '0');
    assert.is(r.headers.get('content-type'), null);
    assert.is(r.headers.get('x-toxiproxy-request-id'), null);
  }
  const browser = await raw('GET', '/version', undefined, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' });
  assert.is(browser.status, 403);
  assert.is(browser.text, 'User agent not allowed\n');
  assert.match(browser.headers.get('x-toxiproxy-request-id') ?? '', /^[0-9a-v]{20}$/);
  const apiPort = new URL(server.url).port;
  assertJsonError(await raw('POST', '/proxies', `{"name":"clash","listen":"127.0.0.1:${apiPort}","upstream":"127.0.0.1:1"}`), 500,
    `listen tcp 127.0.0.1:${apiPort}: bind: address already in use`);
  assertJsonError(await raw('POST', '/proxies', '{"name":"badlisten","listen":"not-an-address","upstream":"127.0.0.1:1"}'), 500,
    'listen tcp: address not-an-address: missing port in address');
  assert.is((await raw('GET', '/proxies')).text, '{}');
});

test('toxiproxy-node-client drives every call it has, unchanged', async () => {
  const client = new Toxiproxy(server.url);
  const proxy = await client.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` });
  assert.is(proxy.enabled, true);
  assert.match(proxy.listen, /^127\.0\.0\.1:\d+$/);
  const toxic = await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 100, jitter: 0 } });
  assert.equal(toxic.attributes, { latency: 100, jitter: 0 });
  const updated = await toxic.update({ ...toxic.toJson(), attributes: { latency: 250, jitter: 0 } });
  assert.equal(updated.attributes, { latency: 250, jitter: 0 });
  assert.is((await proxy.getToxic<{ latency: number }>('lat')).attributes.latency, 250);
  const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
  assert.is(disabled.enabled, false);
  assert.is((await client.get('redis')).enabled, false);
  await client.reset();
  assert.is((await client.get('redis')).enabled, true);
  const gone = await rejection(() => proxy.getToxic('lat'));
  assert.instance(gone, ToxiproxyError);
  assert.match(gone.message, /404/);
  const populated = await client.populate([{ name: 'p1', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` }]);
  assert.ok(populated.p1);
  assert.equal(Object.keys(await client.getAll()), ['p1', 'redis']);
  await (await client.get('p1')).remove();
  assert.match((await rejection(() => client.get('p1'))).message, /404/);
  assert.match((await rejection(() => client.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: 'x:1' }))).message, /409/);
});

test.run();
