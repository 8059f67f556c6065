// The cases compare-servers.ts sends to a real toxiproxy-server and to ours. Each case starts from
// an empty server; every step's answer is compared. `{Pi}` is the i-th listen port of the server
// under test and `{UP}` an echo server both share as upstream.
import net from 'node:net';
import { fill, type CaseContext, type CompareCase, type ProbeStep, type RawStep, type Step } from './compare-runner.ts';

type Ctx = Pick<CaseContext, 'port' | 'upstream'>;

/** A request as a Go client sends it: Host, and Content-Length + JSON type when there is a body. */
function req(method: string, path: string, body?: string | Buffer, headers: string[] = [], extra: Partial<RawStep> = {}): RawStep {
  const build = (ctx: Ctx): Buffer => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(fill(body, ctx), 'utf8') : body;
    const lines = [`${method} ${fill(path, ctx)} HTTP/1.1`, 'Host: 127.0.0.1', ...headers];
    if (payload) lines.push('Content-Type: application/json', `Content-Length: ${payload.length}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload ?? Buffer.alloc(0)]);
  };
  return { kind: 'raw', parts: [build], ...extra };
}
const raw = (text: string | Buffer | ((ctx: Ctx) => Buffer), extra: Partial<RawStep> = {}): RawStep => ({ kind: 'raw', parts: [text], ...extra });
const get = (path: string) => req('GET', path);
const post = (path: string, body?: string | Buffer) => req('POST', path, body);
const patch = (path: string, body?: string | Buffer) => req('PATCH', path, body);
const del = (path: string) => req('DELETE', path);
const proxyBody = (name: string, i: number, extra = '') => `{"name":${JSON.stringify(name)},"listen":"127.0.0.1:{P${i}}","upstream":"{UP}"${extra}}`;
const mk = (name: string, i: number, extra = '') => post('/proxies', proxyBody(name, i, extra));
const toxic = (proxy: string, body: string) => post(`/proxies/${proxy}/toxics`, body);
const c = (name: string, ...steps: Step[]): CompareCase => ({ name, steps });
const dev = (deviation: string, k: CompareCase): CompareCase => ({ ...k, deviation });
/** Where Go's own texts changed between releases we follow upstream's Go (1.23+). */
const goVersion = "Go 1.23+ texts (upstream's go.mod); the reference built here is Go 1.19";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function probe(label: string, run: (ctx: CaseContext) => Promise<string>): ProbeStep {
  return { kind: 'probe', label, run };
}

function connect(port: number): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setNoDelay(true);
    s.once('connect', () => resolve(s));
    s.once('error', () => resolve(undefined));
  });
}

/** Writes `data` and waits up to `ms` for as many bytes back: 'echo', 'closed' or 'no echo'. */
function echoOn(s: net.Socket, data: string, ms = 1000): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const done = (v: string) => { clearTimeout(t); s.off('data', onData); s.off('close', onClose); resolve(v); };
    const onData = (d: Buffer) => { got += d.toString('latin1'); if (got.length >= data.length) done(got === data ? 'echo' : `garbled ${JSON.stringify(got)}`); };
    const onClose = () => done('closed');
    const t = setTimeout(() => done(got ? `partial ${got.length}` : 'no echo'), ms);
    if (s.destroyed) { done('closed'); return; }
    s.on('data', onData);
    s.once('close', onClose);
    s.write(data);
  });
}

/** A fresh connection to listen port i carries bytes: 'echo', 'refused', ... */
const serving = (i: number) => probe(`connect P${i}`, async (ctx) => {
  const s = await connect(ctx.port(i));
  if (!s) return 'refused';
  s.on('error', () => {});
  const r = await echoOn(s, 'ping');
  s.destroy();
  return r;
});
/** Opens a connection through listen port i and keeps it under `key`. */
const hold = (key: string, i: number) => probe(`hold ${key} on P${i}`, async (ctx) => {
  const s = await connect(ctx.port(i));
  if (!s) return 'refused';
  s.on('error', () => {});
  ctx.sockets.set(key, s);
  return echoOn(s, 'hello');
});
const stillAlive = (key: string) => probe(`held ${key}`, async (ctx) => {
  const s = ctx.sockets.get(key);
  return s ? echoOn(s, 'again') : 'never opened';
});
/** Someone else listens on port i (a port taken). */
const takePort = (i: number) => probe(`take P${i}`, (ctx) => new Promise((resolve) => {
  const server = net.createServer((s) => s.destroy());
  server.once('error', (e: NodeJS.ErrnoException) => resolve(`failed ${e.code}`));
  server.listen(ctx.port(i), '127.0.0.1', () => { ctx.servers.push(server); resolve('taken'); });
}));

/** Timeout toxic (300 ms) on the wire: data every 100 ms for 800 ms keeps it open; then it closes ~300 ms after the last byte. */
const timeoutOnWire = (i: number) => probe('timeout toxic on the wire', async (ctx) => {
  const s = await connect(ctx.port(i));
  if (!s) return 'refused';
  s.on('error', () => {});
  let closedAt: number | undefined;
  s.on('close', () => { closedAt = Date.now(); });
  let last = Date.now();
  for (let k = 0; k < 8; k++) { if (closedAt) break; s.write('x'); last = Date.now(); await sleep(100); }
  if (closedAt) return 'closed while data flowed';
  for (let k = 0; k < 40 && !closedAt; k++) await sleep(25);
  s.destroy();
  if (!closedAt) return 'still open 1000 ms after the last data';
  const after = closedAt - last;
  return `open while data flowed; closed ${after < 250 ? '<250' : after < 450 ? '250..450' : '>=450'} ms after the last data`;
});
/** Slicer on the wire: sizes of the pieces 1000 bytes arrive in (slices are 30 ms apart). */
const slicesOnWire = (i: number, bytes: number) => probe('slice sizes on the wire', async (ctx) => {
  const s = await connect(ctx.port(i));
  if (!s) return 'refused';
  s.on('error', () => {});
  const sizes: number[] = [];
  let total = 0;
  s.on('data', (d: Buffer) => { sizes.push(d.length); total += d.length; });
  s.write(Buffer.alloc(bytes, 7));
  for (let k = 0; k < 200 && total < bytes; k++) await sleep(25);
  s.destroy();
  return sizes.join(',');
});

function httpSurface(): CompareCase[] {
  const r11 = (line: string, headers = 'Host: x\r\n') => raw(`${line}\r\n${headers}\r\n`, { watchCloseMs: 200 });
  return [
    c('version', get('/version')),
    c('version with a query', get('/version?x=1')),
    c('version with a trailing slash', get('/version/')),
    c('metrics off by default', get('/metrics')),
    c('root path', get('/')),
    c('route paths are case-sensitive', get('/Proxies')),
    c('POST /version: 405', post('/version')),
    c('lowercase method: bare 405, connection open', r11('get /proxies HTTP/1.1')),
    c('unknown method FOO: bare 405', r11('FOO /proxies HTTP/1.1')),
    c('PUT /proxies: 405', r11('PUT /proxies HTTP/1.1')),
    c('OPTIONS /proxies: 405', r11('OPTIONS /proxies HTTP/1.1')),
    c('HEAD /version: 405 without Content-Length', r11('HEAD /version HTTP/1.1')),
    c('HEAD on an unknown path', r11('HEAD /nope HTTP/1.1')),
    c('OPTIONS * answered by the server', r11('OPTIONS * HTTP/1.1')),
    c('unknown method on an unknown path', r11('FOO /nope HTTP/1.1')),
    c('%70roxies routes to /proxies', get('/%70roxies')),
    c('//proxies: 301 to the clean path', get('//proxies')),
    c('/foo/../proxies: 301', get('/foo/../proxies')),
    c('/./proxies/../version?a=b: 301 keeps the query', get('/./proxies/../version?a=b')),
    c('/proxies/ (empty name): 404', get('/proxies/')),
    c('/proxies/x/toxics/: 404', mk('x', 0), get('/proxies/x/toxics/')),
    c('POST //proxies: 301 even for POST', post('//proxies', proxyBody('x', 0))),
    c('escaped slash in a name splits the path', get('/proxies/a%2Fb')),
    c('%2e%2e in a path', get('/proxies/%2e%2e/version')),
    c('bad escape %zz: 400 and close', r11('GET /proxies/%zz HTTP/1.1')),
    c('name with a space, escaped', mk('s p', 0), get('/proxies/s%20p'), del('/proxies/s%20p')),
    c('name with a plus is not a space', mk('a+b', 0), get('/proxies/a+b'), get('/proxies/a%2Bb')),
    c('unicode name, escaped in the path', mk('ü', 0), get('/proxies/%C3%BC'), get('/proxies')),
    c('invalid UTF-8 escape in a path, no such proxy', get('/proxies/%FF')),
    c('absolute-form request target', r11('GET http://other/version HTTP/1.1')),
    c('missing Host on HTTP/1.1: 400', raw('GET /version HTTP/1.1\r\n\r\n', { watchCloseMs: 200 })),
    c('malformed request line: 400', raw('GARBAGE\r\n\r\n', { watchCloseMs: 200 })),
    c('two Host headers: 400', r11('GET /version HTTP/1.1', 'Host: x\r\nHost: y\r\n')),
    c('HTTP/2.0 request line: 505', r11('GET /version HTTP/2.0')),
    c('HTTP/1.2 request line', r11('GET /version HTTP/1.2')),
    c('Expect other than 100-continue: 417', r11('GET /version HTTP/1.1', 'Host: x\r\nExpect: fancy\r\n')),
    c('Expect: 100-continue with a body', raw(`POST /proxies HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}`, { responses: 2, watchCloseMs: 200 })),
    c('Expect: 100-continue, body sent after the 100', { kind: 'raw', parts: [`POST /proxies HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n`, '{}'], pauseMs: 200, responses: 2, watchCloseMs: 200 }),
    c('Expect: 100-continue where the handler reads no body: answered, held open for the body', raw(`GET /version HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n`, { watchCloseMs: 300 })),
    c('Expect: 100-continue, unread body sent after the answer: then closed', { kind: 'raw', parts: [`GET /version HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n`, '{}'], pauseMs: 200, watchCloseMs: 300 }),
    c('Expect: 100-continue on a missing proxy: 404 without reading', raw(`PATCH /proxies/nope HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n`, { watchCloseMs: 300 })),
    c('Expect: 100-continue without a body', r11('GET /version HTTP/1.1', 'Host: x\r\nExpect: 100-continue\r\n')),
    c('Expect other than 100-continue with a body: 417', raw('POST /proxies HTTP/1.1\r\nHost: x\r\nExpect: fancy\r\nContent-Length: 2\r\n\r\n', { watchCloseMs: 300 })),
    c('chunk size of 17 hex digits', raw('POST /proxies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000002\r\n{}\r\n0\r\n\r\n', { watchCloseMs: 300 })),
    c('chunk extension ignored', raw('POST /proxies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\n{}\r\n0\r\n\r\n', { watchCloseMs: 300 })),
    c('Expect on HTTP/1.0: 417', raw('GET /version HTTP/1.0\r\nExpect: fancy\r\n\r\n', { watchCloseMs: 200 })),
    c('Expect: 100-continue with a chunked body', raw('POST /proxies HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n', { responses: 2, watchCloseMs: 200 })),
    c('bad chunk size on a route that reads no body', raw('GET /version HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', { watchCloseMs: 300 })),
    c('bad chunk after a complete value', raw('POST /proxies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nzz\r\n', { watchCloseMs: 300 })),
    c('chunk data without its CRLF', raw('POST /proxies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{xx\r\n', { watchCloseMs: 300 })),
    dev(goVersion, c('chunk size line empty', raw('POST /proxies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\r\n', { watchCloseMs: 300 }))),
    c('bad chunk size on populate', raw('POST /populate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', { watchCloseMs: 300 })),
    c('Transfer-Encoding gzip: 501', r11('POST /proxies HTTP/1.1', 'Host: x\r\nTransfer-Encoding: gzip\r\n')),
    c('Content-Length not a number: 400', r11('POST /proxies HTTP/1.1', 'Host: x\r\nContent-Length: abc\r\n')),
    c('two different Content-Lengths: 400', r11('POST /proxies HTTP/1.1', 'Host: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n')),
    dev(goVersion, c('header name with a space: 400', r11('GET /version HTTP/1.1', 'Host: x\r\nBad Header: 1\r\n'))),
    c('header line without a colon: 400', r11('GET /version HTTP/1.1', 'Host: x\r\nnocolon\r\n')),
    c('header over 1 MiB: 431', raw(`GET /version HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1_100_000)}\r\n\r\n`, { watchCloseMs: 300 })),
    c('bare LF line endings are accepted', raw('GET /version HTTP/1.1\nHost: x\n\n', { watchCloseMs: 200 })),
    c('HTTP/1.0: answered as 1.0 and closed', raw('GET /version HTTP/1.0\r\n\r\n', { watchCloseMs: 300 })),
    c('HTTP/1.0 keep-alive: kept open, says so', raw('GET /version HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', { watchCloseMs: 300 })),
    c('HTTP/1.0 error answer', raw('GET /proxies/nope HTTP/1.0\r\n\r\n', { watchCloseMs: 300 })),
    c('HTTP/1.1 Connection: close', r11('GET /version HTTP/1.1', 'Host: x\r\nConnection: close\r\n')),
    c('HTTP/1.1 keeps alive by default', r11('GET /version HTTP/1.1')),
    c('HTTP/1.1 Keep-Alive header is ignored', r11('GET /version HTTP/1.1', 'Host: x\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n')),
    c('pipelined requests answered in order', raw('GET /version HTTP/1.1\r\nHost: x\r\n\r\nGET /proxies HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n', { responses: 3, watchCloseMs: 200 })),
    c('pipelined after a 405 and a 301', raw('FOO /proxies HTTP/1.1\r\nHost: x\r\n\r\nGET //version HTTP/1.1\r\nHost: x\r\n\r\nGET /version HTTP/1.1\r\nHost: x\r\n\r\n', { responses: 3, watchCloseMs: 200 })),
    c('chunked request body', raw((ctx) => {
      const body = fill(proxyBody('ch', 0), ctx);
      return Buffer.from(`POST /proxies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    }, {})),
    c('bad chunk size', raw('POST /proxies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', { watchCloseMs: 300 })),
    c('body sent in two parts', bodyInTwoParts('{"name":"sp","listen":"127.0.0.1:0","upstream":"x:1","enabled":false}'), get('/proxies/sp')),
    c('request split across writes', { kind: 'raw', parts: ['GET /ver', 'sion HTTP/1.1\r\nHo', 'st: x\r\n\r\n'], pauseMs: 50 }),
    c('large answer: chunked on HTTP/1.1', post('/populate', manyProxies(20)), get('/proxies'), raw('GET /proxies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { watchCloseMs: 300 })),
    c('large answer on HTTP/1.0: close-delimited', post('/populate', manyProxies(20)), raw('GET /proxies HTTP/1.0\r\n\r\n', { watchCloseMs: 300 })),
    c('large answer on HTTP/1.0 keep-alive', post('/populate', manyProxies(20)), raw('GET /proxies HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', { watchCloseMs: 300 })),
    c('answer just over 2048 bytes', post('/populate', manyProxies(14)), get('/proxies')),
    c('browser User-Agent: 403 on a route', req('GET', '/version', undefined, ['User-Agent: Mozilla/5.0 (X11)'])),
    c('browser User-Agent on an unknown path: 404', req('GET', '/nope', undefined, ['User-Agent: Mozilla/5.0'])),
    c('browser User-Agent on a wrong method: 405', req('PUT', '/proxies', undefined, ['User-Agent: Mozilla/5.0'])),
    c('browser User-Agent: nothing created', req('POST', '/proxies', proxyBody('moz', 0), ['User-Agent: Mozilla/4.0']), get('/proxies')),
    c('User-Agent mozilla/ in lowercase is not a browser', req('GET', '/version', undefined, ['User-Agent: mozilla/5.0'])),
    c('invalid UTF-8 inside a JSON string becomes U+FFFD', post('/proxies', Buffer.from('{"name":"a\xffb\xc3","listen":"127.0.0.1:0","upstream":"x:1","enabled":false}', 'latin1')), get('/proxies')),
    c('invalid UTF-8 outside strings: the byte is quoted', post('/proxies', Buffer.from('\xc3{}', 'latin1'))),
    c('invalid UTF-8 after a value', post('/proxies', Buffer.from('{"name":\xff}', 'latin1'))),
    c('lone surrogate escape in a name', post('/proxies', '{"name":"\\ud800x","listen":"127.0.0.1:0","upstream":"x:1","enabled":false}'), get('/proxies')),
    c('UTF-8 BOM before the body', post('/proxies', Buffer.from('\xef\xbb\xbf{}', 'latin1'))),
    c('control character in a string', post('/proxies', Buffer.from('{"name":"a\x01"}', 'latin1'))),
  ];
}

function bodyInTwoParts(body: string): RawStep {
  const half = Math.floor(body.length / 2);
  return { kind: 'raw', parts: [`POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`, body.slice(half)], pauseMs: 100 };
}

function manyProxies(n: number): string {
  const list = Array.from({ length: n }, (_, i) => `{"name":"proxy-number-${String(i).padStart(2, '0')}","listen":"127.0.0.1:{P${i}}","upstream":"{UP}","enabled":false}`);
  return `[${list.join(',')}]`;
}

function proxyCases(): CompareCase[] {
  return [
    c('create: 201 and the proxy serves', mk('a', 0), serving(0)),
    c('create disabled: not listening', mk('a', 0, ',"enabled":false'), serving(0), get('/proxies/a')),
    c('create on port 0 reports the bound port', post('/proxies', '{"name":"z","listen":"127.0.0.1:0","upstream":"{UP}"}')),
    c('create without listen', post('/proxies', '{"name":"nl","upstream":"{UP}","enabled":false}'), get('/proxies/nl')),
    c('create: listen "" enabled binds all interfaces', post('/proxies', '{"name":"nl","listen":"","upstream":"{UP}"}')),
    c('create: missing name', post('/proxies', '{"listen":"127.0.0.1:{P0}","upstream":"{UP}"}')),
    c('create: empty name', post('/proxies', '{"name":"","listen":"127.0.0.1:{P0}","upstream":"{UP}"}')),
    c('create: missing upstream', post('/proxies', '{"name":"a","listen":"127.0.0.1:{P0}"}')),
    c('create: no body', post('/proxies')),
    c('create: {not json', post('/proxies', '{not json')),
    c('create: []', post('/proxies', '[]')),
    c('create: null', post('/proxies', 'null')),
    c('create: a string', post('/proxies', '"x"')),
    c('create: a number', post('/proxies', '12')),
    c('create: name is a number', post('/proxies', '{"name":1,"upstream":"{UP}"}')),
    c('create: enabled is a string', post('/proxies', '{"name":"a","upstream":"{UP}","enabled":"yes"}')),
    c('create: enabled null keeps the default', post('/proxies', proxyBody('a', 0, ',"enabled":null'))),
    c('create: unknown fields ignored', post('/proxies', proxyBody('a', 0, ',"extra":[1,{"b":2}]'))),
    c('create: keys match case-insensitively', post('/proxies', '{"NAME":"a","Listen":"127.0.0.1:{P0}","UPSTREAM":"{UP}"}')),
    c('create: duplicate keys, the last wins', post('/proxies', '{"name":"a","name":"b","listen":"127.0.0.1:{P0}","upstream":"{UP}"}')),
    c('create: trailing garbage after the value', post('/proxies', `${proxyBody('a', 0)} trailing`)),
    c('create: two JSON values', post('/proxies', `${proxyBody('a', 0)}{"x":1}`)),
    c('create: truncated JSON', post('/proxies', '{"name":"a","upstream":')),
    c('create: whitespace only', post('/proxies', '   ')),
    c('create: duplicate name: 409', mk('a', 0), mk('a', 1)),
    c('create: duplicate name even if disabled', mk('a', 0, ',"enabled":false'), mk('a', 1)),
    c('create: listen port in use by another proxy: 500', mk('a', 0), mk('b', 0), get('/proxies')),
    c('create: listen port taken by another process', takePort(0), mk('a', 0), get('/proxies')),
    c('create: listen without a port', post('/proxies', '{"name":"a","listen":"not-an-address","upstream":"{UP}"}')),
    dev(goVersion, c('create: listen with a named port', post('/proxies', '{"name":"a","listen":"127.0.0.1:abc","upstream":"{UP}"}'), get('/proxies'))),
    c('create: listen port out of range', post('/proxies', '{"name":"a","listen":"127.0.0.1:99999","upstream":"{UP}"}')),
    c('create: listen on a host that does not resolve', post('/proxies', '{"name":"a","listen":"no-such-host.invalid:1","upstream":"{UP}"}')),
    c('create: listen on an address not on this machine', post('/proxies', '{"name":"a","listen":"192.0.2.1:{P0}","upstream":"{UP}"}')),
    c('create: listen localhost reports 127.0.0.1', post('/proxies', '{"name":"a","listen":"localhost:{P0}","upstream":"{UP}"}')),
    c('create: listen with only a port', post('/proxies', '{"name":"a","listen":":{P0}","upstream":"{UP}"}')),
    c('create: invalid listen on a disabled proxy is stored', post('/proxies', '{"name":"a","listen":"nonsense","upstream":"{UP}","enabled":false}'), get('/proxies/a')),
    c('create: upstream is not checked', post('/proxies', '{"name":"a","listen":"127.0.0.1:{P0}","upstream":"nowhere"}'), serving(0)),
    c('create: long name', mk('n'.repeat(300), 0)),
    c('create: name with quotes and HTML', mk('a"<b>&\'', 0), get('/proxies')),
    c('create: numbers with exponents where strings belong', post('/proxies', '{"name":"a","upstream":1e3}')),
    c('index: empty', get('/proxies')),
    c('index: sorted by name bytes', mk('b', 0, ',"enabled":false'), mk('B', 1, ',"enabled":false'), mk('a', 2, ',"enabled":false'), mk('_', 3, ',"enabled":false'), mk('é', 4, ',"enabled":false'), get('/proxies')),
    c('index: toxics included', mk('a', 0), toxic('a', '{"type":"latency","attributes":{"latency":5}}'), toxic('a', '{"type":"noop","stream":"upstream"}'), get('/proxies')),
    c('show: missing', get('/proxies/nope')),
    c('show: existing', mk('a', 0), get('/proxies/a')),
    c('delete: existing, then its port refuses', mk('a', 0), del('/proxies/a'), serving(0), get('/proxies')),
    c('delete: missing', del('/proxies/nope')),
    c('delete: twice', mk('a', 0), del('/proxies/a'), del('/proxies/a')),
    c('delete: drops live connections', mk('a', 0), hold('c', 0), del('/proxies/a'), stillAlive('c')),
    c('delete with a body', mk('a', 0), req('DELETE', '/proxies/a', '{"x":1}')),
    c('delete disabled proxy', mk('a', 0, ',"enabled":false'), del('/proxies/a')),
  ];
}

function updateCases(): CompareCase[] {
  return [
    c('PATCH enabled false: stops serving and drops connections', mk('a', 0), hold('c', 0), patch('/proxies/a', '{"enabled":false}'), serving(0), stillAlive('c')),
    c('PATCH enabled true again serves', mk('a', 0), patch('/proxies/a', '{"enabled":false}'), patch('/proxies/a', '{"enabled":true}'), serving(0)),
    c('PATCH enabled true on an enabled proxy keeps connections', mk('a', 0), hold('c', 0), patch('/proxies/a', '{"enabled":true}'), stillAlive('c')),
    c('PATCH upstream restarts and drops connections', mk('a', 0), hold('c', 0), patch('/proxies/a', '{"upstream":"{UP}x"}'), stillAlive('c'), get('/proxies/a')),
    c('PATCH same upstream keeps connections', mk('a', 0), hold('c', 0), patch('/proxies/a', '{"upstream":"{UP}"}'), stillAlive('c')),
    c('PATCH listen to a new port moves the proxy', mk('a', 0), hold('c', 0), patch('/proxies/a', '{"listen":"127.0.0.1:{P1}"}'), serving(0), serving(1), stillAlive('c')),
    c('PATCH listen written differently (localhost) keeps live connections', mk('a', 0), hold('c', 0), patch('/proxies/a', '{"listen":"localhost:{P0}"}'), stillAlive('c'), serving(0), get('/proxies/a')),
    c('PATCH listen with only the port restarts on all interfaces', mk('a', 0), hold('c', 0), patch('/proxies/a', '{"listen":":{P0}"}'), stillAlive('c'), get('/proxies/a')),
    c('PATCH invalid listen on an enabled proxy: 500, proxy keeps serving', mk('a', 0), hold('c', 0), patch('/proxies/a', '{"listen":"nonsense"}'), get('/proxies/a'), serving(0), stillAlive('c')),
    c('PATCH invalid listen on a disabled proxy: 500, nothing stored', mk('a', 0, ',"enabled":false'), patch('/proxies/a', '{"listen":"nonsense"}'), get('/proxies/a')),
    dev(goVersion, c('PATCH listen with a named port', mk('a', 0), patch('/proxies/a', '{"listen":"127.0.0.1:abc"}'), get('/proxies/a'), serving(0))),
    c('PATCH listen port out of range', mk('a', 0), patch('/proxies/a', '{"listen":"127.0.0.1:70000"}'), get('/proxies/a')),
    c('PATCH listen to a port in use: proxy left disabled at the new address', mk('a', 0), mk('b', 1), patch('/proxies/a', '{"listen":"127.0.0.1:{P1}"}'), get('/proxies/a'), serving(0)),
    c('PATCH listen to a taken port while disabling', mk('a', 0), takePort(1), patch('/proxies/a', '{"listen":"127.0.0.1:{P1}","enabled":false}'), get('/proxies/a')),
    c('PATCH listen on a disabled proxy, then enable', mk('a', 0, ',"enabled":false'), patch('/proxies/a', '{"listen":"127.0.0.1:{P1}"}'), patch('/proxies/a', '{"enabled":true}'), serving(1)),
    c('PATCH enable a proxy whose port is taken: 500, stays disabled', mk('a', 0, ',"enabled":false'), takePort(0), patch('/proxies/a', '{"enabled":true}'), get('/proxies/a')),
    c('POST works as PATCH', mk('a', 0), post('/proxies/a', '{"enabled":false}')),
    c('PATCH: name in the body is ignored', mk('a', 0), patch('/proxies/a', '{"name":"b"}'), get('/proxies')),
    c('PATCH: {}', mk('a', 0), patch('/proxies/a', '{}')),
    c('PATCH: null body value', mk('a', 0), patch('/proxies/a', 'null')),
    c('PATCH: no body', mk('a', 0), patch('/proxies/a')),
    c('PATCH: {not json', mk('a', 0), patch('/proxies/a', '{not json')),
    c('PATCH: []', mk('a', 0), patch('/proxies/a', '[]')),
    c('PATCH: enabled is a string', mk('a', 0), patch('/proxies/a', '{"enabled":"no"}'), get('/proxies/a')),
    c('PATCH: listen is a number', mk('a', 0), patch('/proxies/a', '{"listen":5}'), get('/proxies/a')),
    c('PATCH: empty upstream is stored', mk('a', 0), patch('/proxies/a', '{"upstream":""}'), get('/proxies/a')),
    c('PATCH: missing proxy', patch('/proxies/nope', '{"enabled":false}')),
    c('PATCH: missing proxy with a bad body', patch('/proxies/nope', '{not json')),
    c('PATCH keeps toxics', mk('a', 0), toxic('a', '{"type":"latency"}'), patch('/proxies/a', '{"listen":"127.0.0.1:{P1}"}')),
  ];
}

function populateCases(): CompareCase[] {
  const pe = (name: string, i: number, extra = '') => proxyBody(name, i, extra);
  return [
    c('populate: creates and serves', post('/populate', `[${pe('a', 0)},${pe('b', 1, ',"enabled":false')}]`), serving(0), serving(1)),
    c('populate: []', post('/populate', '[]')),
    c('populate: null', post('/populate', 'null')),
    c('populate: an object', post('/populate', '{"name":"obj"}')),
    c('populate: {not json', post('/populate', '{not json')),
    c('populate: no body', post('/populate')),
    c('populate: missing upstream at 1', post('/populate', '[{"name":"a","listen":"127.0.0.1:{P0}"}]'), get('/proxies')),
    c('populate: missing name at 2, nothing created', post('/populate', `[${pe('a', 0)},{"listen":"127.0.0.1:{P1}","upstream":"{UP}"}]`), get('/proxies')),
    c('populate: port taken at entry 2 keeps entry 1 and returns it beside the error', takePort(1), post('/populate', `[${pe('a', 0)},${pe('b', 1)},${pe('c', 2)}]`), get('/proxies'), serving(0)),
    c('populate: port taken at entry 1', takePort(0), post('/populate', `[${pe('a', 0)},${pe('b', 1)}]`), get('/proxies')),
    c('populate: bad listen at entry 2', post('/populate', `[${pe('a', 0)},{"name":"b","listen":"nonsense","upstream":"{UP}"}]`), get('/proxies')),
    c('populate: an existing proxy at the same address is kept with its toxics and connections', mk('a', 0), toxic('a', '{"type":"latency"}'), hold('c', 0), post('/populate', `[${pe('a', 0)}]`), stillAlive('c')),
    c('populate: an existing proxy at localhost for 127.0.0.1 is kept', mk('a', 0), hold('c', 0), post('/populate', '[{"name":"a","listen":"localhost:{P0}","upstream":"{UP}"}]'), stillAlive('c')),
    c('populate: an existing proxy with a new upstream is replaced, toxics gone', mk('a', 0), toxic('a', '{"type":"latency"}'), hold('c', 0), post('/populate', '[{"name":"a","listen":"127.0.0.1:{P0}","upstream":"{UP}0"}]'), stillAlive('c'), get('/proxies')),
    c('populate: the same name twice in one batch', post('/populate', `[${pe('a', 0)},${pe('a', 1)}]`), get('/proxies')),
    c('populate: the same port twice in one batch', post('/populate', `[${pe('a', 0)},${pe('b', 0)}]`), get('/proxies')),
    c('populate: enabled false on an existing enabled proxy at the same address', mk('a', 0), post('/populate', `[${pe('a', 0, ',"enabled":false')}]`), serving(0)),
    c('populate: enabled is a string', post('/populate', `[${pe('a', 0, ',"enabled":"x"')}]`)),
    c('populate: an entry that is not an object', post('/populate', `[${pe('a', 0)},5]`), get('/proxies')),
    c('populate: entry with toxics field ignored', post('/populate', `[${pe('a', 0, ',"toxics":[{"type":"latency"}]')}]`)),
    c('populate: GET is 405', get('/populate')),
    c('populate: trailing garbage', post('/populate', `[${pe('a', 0)}] junk`)),
  ];
}

const toxicTypes: Array<{ type: string; attrs: string[] }> = [
  { type: 'latency', attrs: ['latency', 'jitter'] },
  { type: 'bandwidth', attrs: ['rate'] },
  { type: 'slow_close', attrs: ['delay'] },
  { type: 'timeout', attrs: ['timeout'] },
  { type: 'reset_peer', attrs: ['timeout'] },
  { type: 'slicer', attrs: ['average_size', 'size_variation', 'delay'] },
  { type: 'limit_data', attrs: ['bytes'] },
  { type: 'noop', attrs: [] },
];

function toxicCases(): CompareCase[] {
  const out: CompareCase[] = [];
  const withProxy = (name: string, ...steps: Step[]) => c(name, mk('p', 0), ...steps);
  for (const { type, attrs } of toxicTypes) {
    out.push(withProxy(`toxic ${type}: defaults`, toxic('p', `{"type":"${type}"}`), get('/proxies/p/toxics')));
    if (attrs.length === 0) {
      out.push(withProxy(`toxic ${type}: attributes ignored`, toxic('p', `{"type":"${type}","attributes":{"x":1}}`)));
      continue;
    }
    const all = attrs.map((a, i) => `"${a}":${(i + 1) * 10}`).join(',');
    const first = attrs[0]!;
    out.push(withProxy(`toxic ${type}: all attributes`, toxic('p', `{"type":"${type}","attributes":{${all}}}`)));
    out.push(withProxy(`toxic ${type}: ${first} as a string`, toxic('p', `{"type":"${type}","attributes":{"${first}":"x"}}`), get('/proxies/p/toxics')));
    out.push(withProxy(`toxic ${type}: ${first} as a fraction`, toxic('p', `{"type":"${type}","attributes":{"${first}":1.5}}`)));
    out.push(withProxy(`toxic ${type}: ${first} negative`, toxic('p', `{"type":"${type}","attributes":{"${first}":-1}}`)));
    out.push(withProxy(`toxic ${type}: ${first} past int64`, toxic('p', `{"type":"${type}","attributes":{"${first}":1e20}}`)));
    out.push(withProxy(`toxic ${type}: ${first} null`, toxic('p', `{"type":"${type}","attributes":{"${first}":null}}`)));
    out.push(withProxy(`toxic ${type}: attribute key in upper case`, toxic('p', `{"type":"${type}","attributes":{"${first.toUpperCase()}":7}}`)));
    out.push(withProxy(`toxic ${type}: update ${first}`, toxic('p', `{"name":"t","type":"${type}"}`), patch('/proxies/p/toxics/t', `{"attributes":{"${first}":3}}`), get('/proxies/p/toxics/t')));
    out.push(withProxy(`toxic ${type}: update ${first} with a string`, toxic('p', `{"name":"t","type":"${type}"}`), patch('/proxies/p/toxics/t', `{"attributes":{"${first}":"x"}}`)));
  }
  out.push(
    withProxy('toxic: attributes a string', toxic('p', '{"type":"latency","attributes":"x"}')),
    withProxy('toxic: attributes an array', toxic('p', '{"type":"latency","attributes":[1]}')),
    withProxy('toxic: attributes null', toxic('p', '{"type":"latency","attributes":null}')),
    withProxy('toxic: attributes before type', toxic('p', '{"attributes":{"latency":9},"type":"latency"}')),
    withProxy('toxic: unknown type', toxic('p', '{"type":"nosuchtype"}')),
    withProxy('toxic: type in another case', toxic('p', '{"type":"Latency"}')),
    withProxy('toxic: no type', toxic('p', '{"name":"x"}')),
    withProxy('toxic: type a number', toxic('p', '{"type":5}')),
    withProxy('toxic: no body', post('/proxies/p/toxics')),
    withProxy('toxic: {not json', toxic('p', '{not json')),
    withProxy('toxic: []', toxic('p', '[]')),
    withProxy('toxic: null', toxic('p', 'null')),
    withProxy('toxic: trailing garbage', toxic('p', '{"type":"latency"} junk')),
    withProxy('toxic: unknown top-level keys ignored', toxic('p', '{"type":"latency","foo":1}')),
    withProxy('toxic: keys in upper case', toxic('p', '{"TYPE":"latency","Stream":"upstream","NAME":"n"}')),
    withProxy('toxic: stream Upstream, default name keeps the case', toxic('p', '{"type":"latency","stream":"Upstream"}'), get('/proxies/p/toxics/latency_Upstream'), get('/proxies/p')),
    withProxy('toxic: stream DOWNSTREAM', toxic('p', '{"type":"latency","stream":"DOWNSTREAM"}')),
    withProxy('toxic: stream sideways', toxic('p', '{"type":"latency","stream":"sideways"}')),
    withProxy('toxic: stream empty', toxic('p', '{"type":"latency","stream":""}')),
    withProxy('toxic: stream null keeps the default', toxic('p', '{"type":"latency","stream":null}')),
    withProxy('toxic: stream a number', toxic('p', '{"type":"latency","stream":1}')),
    withProxy('toxic: bad stream and bad type: stream reported', toxic('p', '{"type":"nope","stream":"nope"}')),
    withProxy('toxic: bad type and bad attributes: type reported', toxic('p', '{"type":"nope","attributes":{"latency":"x"}}')),
    withProxy('toxic: duplicate name and bad attributes: 409', toxic('p', '{"name":"t","type":"latency"}'), toxic('p', '{"name":"t","type":"latency","attributes":{"latency":"x"}}')),
    withProxy('toxic: same default name twice: 409', toxic('p', '{"type":"latency"}'), toxic('p', '{"type":"latency"}')),
    withProxy('toxic: same name on the other stream: 409', toxic('p', '{"name":"t","type":"latency"}'), toxic('p', '{"name":"t","type":"latency","stream":"upstream"}')),
    withProxy('toxic: Upstream and upstream default names differ', toxic('p', '{"type":"latency","stream":"upstream"}'), toxic('p', '{"type":"latency","stream":"Upstream"}'), get('/proxies/p/toxics')),
    withProxy('toxic: empty name gets the default', toxic('p', '{"name":"","type":"latency"}')),
    withProxy('toxic: unicode name, addressed escaped', toxic('p', '{"name":"ü","type":"latency"}'), get('/proxies/p/toxics/%C3%BC')),
    withProxy('toxic list: upstream first, then downstream, in insertion order', toxic('p', '{"name":"d1","type":"latency"}'), toxic('p', '{"name":"u1","type":"latency","stream":"upstream"}'), toxic('p', '{"name":"d2","type":"noop"}'), toxic('p', '{"name":"u2","type":"noop","stream":"upstream"}'), get('/proxies/p/toxics')),
    withProxy('toxic list after removing from the middle', toxic('p', '{"name":"d1","type":"latency"}'), toxic('p', '{"name":"d2","type":"noop"}'), toxic('p', '{"name":"d3","type":"noop"}'), del('/proxies/p/toxics/d2'), get('/proxies/p/toxics')),
    c('toxic on a missing proxy', toxic('nope', '{"type":"latency"}')),
    c('toxic on a missing proxy with a bad body', toxic('nope', '{not json')),
    c('toxics of a missing proxy', get('/proxies/nope/toxics')),
    withProxy('toxics: empty list', get('/proxies/p/toxics')),
    withProxy('toxic show: missing', get('/proxies/p/toxics/nope')),
    withProxy('toxic delete: missing', del('/proxies/p/toxics/nope')),
    withProxy('toxic delete: existing, twice', toxic('p', '{"name":"t","type":"latency"}'), del('/proxies/p/toxics/t'), del('/proxies/p/toxics/t')),
    withProxy('toxic update: missing toxic', patch('/proxies/p/toxics/nope', '{"attributes":{"latency":1}}')),
    withProxy('toxic update: missing toxic, bad body', patch('/proxies/p/toxics/nope', '{not json')),
    c('toxic update: missing proxy', patch('/proxies/nope/toxics/t', '{}')),
    withProxy('toxic update: POST works as PATCH', toxic('p', '{"name":"t","type":"latency"}'), post('/proxies/p/toxics/t', '{"attributes":{"jitter":5}}')),
    withProxy('toxic update: name, type and stream ignored', toxic('p', '{"name":"t","type":"latency"}'), patch('/proxies/p/toxics/t', '{"name":"u","type":"bandwidth","stream":"upstream"}'), get('/proxies/p/toxics')),
    withProxy('toxic update: toxicity only', toxic('p', '{"name":"t","type":"latency","toxicity":0.5}'), patch('/proxies/p/toxics/t', '{"toxicity":0.25}')),
    withProxy('toxic update: without toxicity keeps it', toxic('p', '{"name":"t","type":"latency","toxicity":0.5}'), patch('/proxies/p/toxics/t', '{"attributes":{"latency":2}}')),
    withProxy('toxic update: {}', toxic('p', '{"name":"t","type":"latency","attributes":{"latency":4}}'), patch('/proxies/p/toxics/t', '{}')),
    withProxy('toxic update: null', toxic('p', '{"name":"t","type":"latency"}'), patch('/proxies/p/toxics/t', 'null')),
    withProxy('toxic update: no body', toxic('p', '{"name":"t","type":"latency"}'), patch('/proxies/p/toxics/t')),
    withProxy('toxic update: {not json', toxic('p', '{"name":"t","type":"latency"}'), patch('/proxies/p/toxics/t', '{not json')),
    withProxy('toxic update: attributes null keeps them', toxic('p', '{"name":"t","type":"latency","attributes":{"latency":4}}'), patch('/proxies/p/toxics/t', '{"attributes":null}')),
    withProxy('toxic update: toxicity a string', toxic('p', '{"name":"t","type":"latency"}'), patch('/proxies/p/toxics/t', '{"toxicity":"x"}')),
    dev('a failed toxic update changes nothing here; upstream stores the fields decoded before the error',
      withProxy('toxic update: half-bad attributes, then show', toxic('p', '{"name":"t","type":"latency"}'), patch('/proxies/p/toxics/t', '{"attributes":{"jitter":4,"latency":"x"}}'), get('/proxies/p/toxics/t'))),
    withProxy('toxic update: noop with attributes', toxic('p', '{"name":"t","type":"noop"}'), patch('/proxies/p/toxics/t', '{"attributes":{"x":1}}')),
  );
  for (const [label, value] of [['0', '0'], ['0.1', '0.1'], ['0.3', '0.3'], ['1', '1'], ['5 (accepted)', '5'], ['-1', '-1'], ['a string', '"x"'], ['past float32', '1e40'], ['true', 'true'], ['null', 'null'], ['1e-7', '1e-7'], ['0.123456789', '0.123456789']] as const) {
    out.push(withProxy(`toxicity ${label}`, toxic('p', `{"type":"latency","toxicity":${value}}`)));
  }
  return out;
}

function resetCases(): CompareCase[] {
  return [
    c('reset: empty server', post('/reset')),
    c('reset: toxics removed, disabled proxies enabled, connections kept', mk('a', 0), mk('b', 1, ',"enabled":false'), toxic('a', '{"type":"latency","attributes":{"latency":1}}'), hold('c', 0), post('/reset'), get('/proxies'), serving(1), stillAlive('c')),
    c('reset: a disabled proxy whose port is taken: 500', mk('a', 0, ',"enabled":false'), takePort(0), post('/reset'), get('/proxies')),
    c('reset: with a body', post('/reset', '{"x":1}')),
    c('reset: GET is 405', get('/reset')),
    c('reset: DELETE is 405', del('/reset')),
  ];
}

function wireCases(): CompareCase[] {
  return [
    c('timeout toxic: every chunk restarts the clock', mk('a', 0), toxic('a', '{"type":"timeout","stream":"upstream","attributes":{"timeout":300}}'), timeoutOnWire(0)),
    c('slicer on the wire, no variation', mk('a', 0), toxic('a', '{"type":"slicer","attributes":{"average_size":64,"size_variation":0,"delay":30000}}'), slicesOnWire(0, 1000)),
    c('slicer on the wire, average larger than the data', mk('a', 0), toxic('a', '{"type":"slicer","attributes":{"average_size":2000,"delay":30000}}'), slicesOnWire(0, 1000)),
    c('limit_data on the wire', mk('a', 0), toxic('a', '{"type":"limit_data","attributes":{"bytes":3}}'), probe('limit', async (ctx) => {
      const s = await connect(ctx.port(0));
      if (!s) return 'refused';
      s.on('error', () => {});
      return echoOn(s, 'hello');
    })),
    c('disabled then reset proxy serves again', mk('a', 0, ',"enabled":false'), serving(0), post('/reset'), serving(0)),
  ];
}

/** Go closes an idle keep-alive connection after 60 s and an unfinished request after 15 s. */
function slowCases(): CompareCase[] {
  return [
    c('idle keep-alive connection closed after the idle timeout', raw('GET /version HTTP/1.1\r\nHost: x\r\n\r\n', { watchCloseMs: 62_000, timeoutMs: 63_000 })),
    c('chunked body without its final CRLF on a route that reads no body', raw('GET /version HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n', { watchCloseMs: 1000, timeoutMs: 17_000 })),
    c('chunked body without its final CRLF, in one packet', raw('POST /proxies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n', { watchCloseMs: 1000, timeoutMs: 17_000 })),
    c('unfinished request closed after the read timeout, unanswered', raw('GET /version HTTP/1.1\r\nHost: x\r\n', { timeoutMs: 17_000 })),
  ];
}

/**
 * Names the API cannot address by their bytes. (A name with "/" is not created: it could never
 * be deleted, and every later case would see it.)
 */
function lastCases(): CompareCase[] {
  const ff = Buffer.from('{"name":"\xff","listen":"127.0.0.1:0","upstream":"x:1","enabled":false}', 'latin1');
  return [
    c('name with an invalid UTF-8 byte, addressed as %FF and as U+FFFD', post('/proxies', ff), get('/proxies/%FF'), get('/proxies/%EF%BF%BD'), get('/proxies/%FF/../%FF'), get('//proxies/%FF%C3%BC%E2%82')),
  ];
}

export function compareCases(opts: { slow: boolean }): CompareCase[] {
  return [
    ...httpSurface(), ...proxyCases(), ...updateCases(), ...populateCases(), ...toxicCases(), ...resetCases(), ...wireCases(),
    ...(opts.slow ? slowCases() : []), ...lastCases(),
  ];
}
