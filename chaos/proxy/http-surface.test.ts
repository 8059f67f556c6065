// The HTTP surface as Go's net/http + gorilla/mux shape it, checked on raw sockets (a fetch client
// would hide framing): methods, path decoding and cleaning, Go's 400s, HTTP/1.0, keep-alive,
// chunked answers, idle timeout and invalid UTF-8 in bodies. Byte-compared against a real
// toxiproxy-server 2.12.0 while writing them (see README, "Checking against the real server").
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performance } from 'node:perf_hooks';
import { createApi } from './api.ts';
import { ProxyCollection } from './collection.ts';
import { createGoHttpServer } from './go-http-server.ts';
import { startToxiproxyServer, type StartedToxiproxyServer } from './server.ts';
import { seededRandom } from '../../cluster/common/rng.ts';

let server: StartedToxiproxyServer;

interface Exchange { text: string; closed: boolean }

/** Sends raw bytes; collects the answer until the peer closes or `quietMs` pass without data (after the first byte). */
function exchange(port: number, raw: string | Buffer, quietMs = 300): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout;
    const finish = (closed: boolean) => { clearTimeout(timer); socket.destroy(); resolve({ text: Buffer.concat(chunks).toString('latin1'), closed }); };
    const arm = (ms: number) => { clearTimeout(timer); timer = setTimeout(() => finish(false), ms); };
    socket.on('data', (d) => { chunks.push(d); arm(quietMs); });
    socket.on('end', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(raw);
    // A loaded machine may take a while for the first byte; quiet is counted after it.
    arm(Math.max(quietMs, 5000));
  });
}

const port = () => Number(new URL(server.url).port);
const get = (path: string, extra = '') => exchange(port(), `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`);
const statusLine = (e: Exchange) => e.text.slice(0, e.text.indexOf('\r\n'));
const bodyOf = (e: Exchange) => e.text.slice(e.text.indexOf('\r\n\r\n') + 4);
const headerOf = (e: Exchange, name: string) => new RegExp(`\r\n${name}: ([^\r]*)\r\n`).exec(e.text)?.[1];

test.before(async () => {
  server = await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed: 3 });
});

test.after(async () => {
  await server.close();
});

test('lowercase and unknown methods on a known path get a bare 405, and the connection stays open', async () => {
  for (const method of ['get', 'FOO', 'OPTIONS', 'PUT']) {
    const r = await exchange(port(), `${method} /proxies HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.is(statusLine(r), 'HTTP/1.1 405 Method Not Allowed', method);
    assert.match(r.text, /^HTTP\/1\.1 405 Method Not Allowed\r\nDate: [^\r]+\r\nContent-Length: 0\r\n\r\n$/);
    assert.not.ok(r.closed);
  }
  const head = await exchange(port(), 'HEAD /version HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(head.text, /^HTTP\/1\.1 405 Method Not Allowed\r\nDate: [^\r]+\r\n\r\n$/, 'HEAD: no Content-Length');
});

test('paths are decoded, then cleaned with a 301 as gorilla/mux does', async () => {
  assert.is(statusLine(await get('/%70roxies')), 'HTTP/1.1 200 OK');
  for (const [path, location] of [['//proxies', '/proxies'], ['/foo/../proxies', '/proxies'], ['/./proxies/../version?a=b', '/version?a=b']]) {
    const r = await get(path!);
    assert.is(statusLine(r), 'HTTP/1.1 301 Moved Permanently', path);
    assert.is(headerOf(r, 'Location'), location);
    assert.is(headerOf(r, 'Content-Length'), '0');
  }
  await fetch(`${server.url}/proxies`, { method: 'POST', body: '{"name":"a/b","listen":"127.0.0.1:0","upstream":"127.0.0.1:1","enabled":false}' });
  await fetch(`${server.url}/proxies`, { method: 'POST', body: '{"name":"s p","listen":"127.0.0.1:0","upstream":"127.0.0.1:1","enabled":false}' });
  const slash = await get('/proxies/a%2Fb');
  assert.is(statusLine(slash), 'HTTP/1.1 404 Not Found', '%2F splits the path: no route');
  assert.is(bodyOf(slash), '404 page not found\n');
  assert.is(headerOf(slash, 'X-Toxiproxy-Request-Id'), undefined);
  assert.is(statusLine(await get('/proxies/s%20p')), 'HTTP/1.1 200 OK');
  assert.is(statusLine(await get('/proxies/')), 'HTTP/1.1 404 Not Found');
  await fetch(`${server.url}/proxies/s%20p`, { method: 'DELETE' });
});

test('a percent-escaped byte that is not UTF-8 matches no proxy name, and a 301 keeps the byte', async () => {
  // The JSON name's invalid byte is stored as U+FFFD, as Go's decoder does.
  const body = Buffer.from('{"name":"\xff","listen":"127.0.0.1:0","upstream":"127.0.0.1:1","enabled":false}', 'latin1');
  assert.is((await fetch(`${server.url}/proxies`, { method: 'POST', body })).status, 201);
  const raw = await get('/proxies/%FF');
  assert.is(statusLine(raw), 'HTTP/1.1 404 Not Found');
  assert.is(bodyOf(raw), '{"error":"proxy not found","status":404}\n');
  assert.is(statusLine(await get('/proxies/%EF%BF%BD')), 'HTTP/1.1 200 OK');
  assert.is(headerOf(await get('//proxies/%FF%C3%BC'), 'Location'), '/proxies/%FF%C3%BC');
  await fetch(`${server.url}/proxies/%EF%BF%BD`, { method: 'DELETE' });
});

test('malformed requests get Go\'s 400 texts and the connection is closed', async () => {
  const cases: Array<[string, string]> = [
    ['GET /proxies/%zz HTTP/1.1\r\nHost: x\r\n\r\n', '400 Bad Request'],
    ['GET /version HTTP/1.1\r\n\r\n', '400 Bad Request: missing required Host header'],
    ['GARBAGE\r\n\r\n', '400 Bad Request'],
    ['GET /version HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n', '400 Bad Request'],
    ['GET /version HTTP/2.0\r\nHost: x\r\n\r\n', '505 HTTP Version Not Supported: unsupported protocol version'],
    // Deviation (README): Go has no body limit.
    ['POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n', '413 Request Entity Too Large'],
  ];
  for (const [raw, line] of cases) {
    const r = await exchange(port(), raw);
    assert.is(r.text, `HTTP/1.1 ${line}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${line}`);
    assert.ok(r.closed, raw);
  }
});

test('HTTP/1.0 is answered as HTTP/1.0: closed unless keep-alive was asked, never a Keep-Alive header', async () => {
  const plain = await exchange(port(), 'GET /version HTTP/1.0\r\n\r\n');
  assert.is(statusLine(plain), 'HTTP/1.0 200 OK');
  assert.is(headerOf(plain, 'Connection'), undefined);
  assert.ok(plain.closed);
  const kept = await exchange(port(), 'GET /version HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
  assert.is(headerOf(kept, 'Connection'), 'keep-alive');
  assert.not.ok(kept.closed);
  const v11 = await get('/version');
  assert.is(headerOf(v11, 'Connection'), undefined);
  assert.is(headerOf(v11, 'Keep-Alive'), undefined);
  assert.not.ok(v11.closed);
  const close = await get('/version', 'Connection: close\r\n');
  assert.is(headerOf(close, 'Connection'), 'close');
  assert.ok(close.closed);
});

test('answers over 2048 bytes are chunked on HTTP/1.1 and close-delimited on HTTP/1.0', async () => {
  const specs = Array.from({ length: 25 }, (_, i) => ({ name: `p${String(i).padStart(2, '0')}`, listen: '127.0.0.1:0', upstream: '127.0.0.1:1', enabled: false }));
  await fetch(`${server.url}/populate`, { method: 'POST', body: JSON.stringify(specs) });
  const expected = await (await fetch(`${server.url}/proxies`)).text();
  assert.ok(Buffer.byteLength(expected) > 2048);
  const chunked = await get('/proxies');
  assert.is(headerOf(chunked, 'Transfer-Encoding'), 'chunked');
  assert.is(headerOf(chunked, 'Content-Length'), undefined);
  assert.is(bodyOf(chunked), `${Buffer.byteLength(expected).toString(16)}\r\n${Buffer.from(expected).toString('latin1')}\r\n0\r\n\r\n`);
  const old = await exchange(port(), 'GET /proxies HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
  assert.is(headerOf(old, 'Transfer-Encoding'), undefined);
  assert.is(headerOf(old, 'Connection'), undefined);
  assert.is(bodyOf(old), Buffer.from(expected).toString('latin1'));
  assert.ok(old.closed, 'HTTP/1.0 without a length ends with the connection');
  const small = await get('/version');
  assert.is(headerOf(small, 'Content-Length'), '22');
  for (const s of specs) await fetch(`${server.url}/proxies/${s.name}`, { method: 'DELETE' });
});

test('pipelined requests are answered in order on one connection', async () => {
  const r = await exchange(port(), 'GET /version HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n');
  const first = r.text.indexOf('HTTP/1.1 200 OK');
  const second = r.text.indexOf('HTTP/1.1 404 Not Found');
  assert.ok(first === 0 && second > first, r.text);
});

test('an idle keep-alive connection is closed after the idle timeout, and a slow request after the read timeout', async () => {
  const quick = createGoHttpServer(async () => ({ status: 200, headers: {}, body: 'ok' }), { idleMs: 300, readMs: 600 });
  await new Promise<void>((r) => quick.listen(0, '127.0.0.1', r));
  const p = (quick.address() as net.AddressInfo).port;
  const idle = await exchange(p, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 2000);
  assert.ok(idle.closed, 'closed while idle');
  assert.match(idle.text, /^HTTP\/1\.1 200 OK\r\n/);
  const slow = await exchange(p, 'GET / HTTP/1.1\r\nHost', 2000);
  assert.is(slow.text, '', 'Go closes a request that is too slow without answering');
  assert.ok(slow.closed);
  await new Promise<void>((r) => quick.close(() => r()));
});

test('invalid UTF-8 in a body: each bad byte in a string is U+FFFD, outside strings Go quotes the byte', async () => {
  const body = Buffer.concat([
    Buffer.from('{"name":"'), Buffer.from([0xff, 0xe2, 0x82]), Buffer.from('z \\ud800 \\ud83d\\ude00","listen":"127.0.0.1:0","upstream":"127.0.0.1:1","enabled":false}'),
  ]);
  const r = await exchange(port(), Buffer.concat([Buffer.from(`POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
  assert.is(statusLine(r), 'HTTP/1.1 201 Created');
  const name = (JSON.parse(Buffer.from(bodyOf(r), 'latin1').toString('utf8')) as { name: string }).name;
  assert.is(name, '\uFFFD\uFFFD\uFFFDz \uFFFD \u{1F600}');
  const outside = await exchange(port(), Buffer.concat([Buffer.from('POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n'), Buffer.from([0xc3, 0xa9, 0x7b, 0x7d])]));
  assert.is(Buffer.from(bodyOf(outside), 'latin1').toString('utf8'),
    '{"error":"bad request body: invalid character \'Ã\' looking for beginning of value","status":400}\n');
  await fetch(`${server.url}/proxies/${encodeURIComponent(name)}`, { method: 'DELETE' });
});

test('Expect: 100-continue gets "100 Continue" only when the handler reads the body; an unread body closes after the answer', async () => {
  const ask = (head: string) => `${head}\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n`;
  // The client waits for the 100 before sending its body, as curl does.
  const waiting = await new Promise<string>((resolve) => {
    const s = net.connect(port(), '127.0.0.1');
    let text = '';
    s.on('data', (d) => {
      text += d.toString('latin1');
      if (text === 'HTTP/1.1 100 Continue\r\n\r\n') s.write('{}');
      if (text.includes('\r\n\r\n{')) { s.destroy(); resolve(text); }
    });
    s.write(ask('POST /proxies HTTP/1.1'));
  });
  assert.match(waiting, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 400 Bad Request\r\n/);
  assert.not.match(waiting, /Connection: close/);
  // GET /version and a PATCH of a missing proxy read no body: no 100, Connection: close.
  for (const head of ['GET /version HTTP/1.1', 'PATCH /proxies/nope HTTP/1.1']) {
    const r = await exchange(port(), ask(head));
    assert.not.match(r.text, /100 Continue/, head);
    assert.is(headerOf(r, 'Connection'), 'close', head);
    assert.not.ok(r.closed, `${head}: Go waits for the unread body before closing`);
  }
  const late = await exchange(port(), Buffer.concat([Buffer.from(ask('GET /version HTTP/1.1')), Buffer.from('{}')]));
  assert.ok(late.closed, 'closed once the unread body has arrived');
  const noBody = await get('/version', 'Expect: 100-continue\r\n');
  assert.is(statusLine(noBody), 'HTTP/1.1 200 OK');
  assert.not.ok(noBody.closed);
});

test('Expect other than 100-continue is a 417 in the request\'s own protocol', async () => {
  for (const proto of ['HTTP/1.1', 'HTTP/1.0']) {
    const r = await exchange(port(), `GET /version ${proto}\r\nHost: x\r\nExpect: fancy\r\n\r\n`);
    assert.match(r.text, new RegExp(`^${proto.replace('.', '\\.')} 417 Expectation Failed\\r\\nConnection: close\\r\\nDate: [^\\r]+\\r\\nContent-Length: 0\\r\\n\\r\\n$`));
    assert.ok(r.closed);
  }
  // With an announced body Go discards it before closing, so the connection waits for it.
  const ask = 'POST /proxies HTTP/1.1\r\nHost: x\r\nExpect: fancy\r\nContent-Length: 2\r\n\r\n';
  const waiting = await exchange(port(), ask);
  assert.match(waiting.text, /^HTTP\/1\.1 417 /);
  assert.not.ok(waiting.closed, 'held open for the announced body');
  assert.ok((await exchange(port(), `${ask}{}`)).closed, 'closed once it arrived');
});

test('a request head over 1 MiB is a 431 even when it arrives complete', async () => {
  const r = await exchange(port(), `GET /version HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1_100_000)}\r\n\r\n`);
  assert.is(statusLine(r), 'HTTP/1.1 431 Request Header Fields Too Large');
  assert.ok(r.closed);
});

test('broken chunked framing reaches the handler as Go\'s body read error; the connection closes after', async () => {
  const chunked = (path: string, body: string) => exchange(port(), `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
  const bad = await chunked('/proxies', 'zz\r\n');
  assert.is(statusLine(bad), 'HTTP/1.1 400 Bad Request');
  assert.is(bodyOf(bad), '{"error":"bad request body: invalid byte in chunk length","status":400}\n');
  assert.is(headerOf(bad, 'Connection'), 'close');
  assert.ok(bad.closed);
  const malformed = await chunked('/proxies', '1\r\n{xx\r\n');
  assert.is(bodyOf(malformed), '{"error":"bad request body: malformed chunked encoding","status":400}\n');
  const populate = await chunked('/populate', 'zz\r\n');
  assert.is(bodyOf(populate), '{"error":"bad request body: invalid byte in chunk length","status":400,"proxies":null}');
  // A complete value before the broken chunk is decoded, as Go's decoder stops at the value's end.
  const after = await chunked('/proxies', '2\r\n{}\r\nzz\r\n');
  assert.is(bodyOf(after), '{"error":"missing required field: name","status":400}\n');
  assert.ok(after.closed);
});

test('a chunked body short of its trailer is answered at the read deadline: 503 where the handler reads the body', async () => {
  const collection = new ProxyCollection({ nowMs: () => performance.now(), random: seededRandom(1) }, () => {});
  const api = createApi(collection, () => {});
  const quick = createGoHttpServer(api.handler, { idleMs: 3000, readMs: 400 }, api.readsBody);
  await new Promise<void>((r) => quick.listen(0, '127.0.0.1', r));
  const p = (quick.address() as net.AddressInfo).port;
  const started = performance.now();
  const reading = await exchange(p, 'POST /proxies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n', 1500);
  assert.ok(performance.now() - started >= 380, 'not before the read deadline');
  assert.match(reading.text, /^HTTP\/1\.1 503 Service Unavailable\r\nX-Toxiproxy-Request-Id: [0-9a-v]{20}\r\nDate: [^\r]+\r\nContent-Length: 0\r\nConnection: close\r\n\r\n$/);
  assert.ok(reading.closed);
  const notReading = await exchange(p, 'GET /version HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n', 1500);
  assert.is(statusLine(notReading), 'HTTP/1.1 200 OK');
  assert.is(headerOf(notReading, 'Connection'), 'close');
  await new Promise<void>((r) => quick.close(() => r()));
});

test.run();
