// An HTTP/1.x server that frames requests and responses the way Go's net/http server does, because
// Toxiproxy's API is one and clients notice the difference: any token is a method (lowercase and
// unknown ones reach the router and get 405, where node:http answers 400), Go's texts for bad
// requests, Content-Length only for bodies that fit Go's 2048-byte buffer and chunked encoding
// beyond it, HTTP/1.0 answered as HTTP/1.0 (kept alive only on request, closed otherwise), no
// Keep-Alive header, a 60 s idle timeout and a 15 s limit to read one request.
import net from 'node:net';

export interface GoRequest {
  method: string;
  /** The request-target as sent ("/proxies?x=1", "http://h/p"). */
  requestUri: string;
  /** Decoded path (%2F is already "/"), as Go's URL.Path. */
  path: string;
  rawQuery: string;
  /** Canonical header names (Go's CanonicalMIMEHeaderKey) to their values, in order. */
  headers: Map<string, string[]>;
  body: Buffer;
  proto: 'HTTP/1.0' | 'HTTP/1.1';
  /** Go's error for a body that could not be read (bad chunked framing); `body` is what came before it. */
  bodyError?: string;
  /** A chunked body whose trailer did not end before the read deadline (Go's handler is still reading it). */
  bodyTimedOut?: boolean;
}

export interface GoResponse {
  status: number;
  /** Handler headers; written sorted by name, as Go's Header.Write does. */
  headers: Record<string, string>;
  body?: Buffer | string;
}

export type GoHandler = (req: GoRequest) => Promise<GoResponse>;

/**
 * Whether the handler would read this request's body (asked with the body still empty). Go sends
 * "100 Continue" only on a handler's first read; a body never read makes Go close after answering.
 */
export type GoReadsBody = (req: GoRequest) => boolean;

export interface GoHttpTimeouts {
  idleMs: number;
  readMs: number;
}

/** Go's http.Server limits: DefaultMaxHeaderBytes plus bufio slack, and Toxiproxy's timeouts. */
const maxHeaderBytes = (1 << 20) + 4096;
const bufferBeforeChunkingBytes = 2048;
/** Go reads bodies without a limit; we cap them (a listed deviation): no API body comes near. */
const maxBodyBytes = 16 * 1024 * 1024;
const defaultTimeouts: GoHttpTimeouts = { idleMs: 60_000, readMs: 15_000 };

const statusText: Record<number, string> = {
  100: 'Continue', 200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently',
  400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Request Entity Too Large', 417: 'Expectation Failed', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error',
  501: 'Not Implemented', 503: 'Service Unavailable', 505: 'HTTP Version Not Supported',
};

/** A request Go rejects before any handler runs; `text` follows the status, as Go writes it. */
class RejectError extends Error {
  /** `drainBytes`: body bytes Go waits for (discarding them) after answering, before it closes. */
  constructor(readonly status: number, readonly text = '', readonly proto = 'HTTP/1.1', readonly drainBytes = 0) {
    super(text);
  }
}

const tokenChar = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function canonicalHeaderKey(key: string): string {
  if (!tokenChar.test(key)) return key;
  return key.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** Go's url.PathUnescape-style decoding of a request path; a bad escape is a 400. */
function unescapePath(raw: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new RejectError(400);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return decodePathBytes(Buffer.from(bytes));
}

/** Marks a byte that is not valid UTF-8 (U+DC80..U+DCFF, never in a name decoded from JSON). */
const escapedByteBase = 0xdc00;

/**
 * Path bytes as text. Go compares names as bytes, and a name from a JSON body is always valid
 * UTF-8, so an invalid byte in a path must match no name: it becomes a lone surrogate.
 */
function decodePathBytes(bytes: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (!text.includes('\uFFFD')) return text;
  let out = '';
  let at = 0;
  while (at < bytes.length) {
    const len = utf8SequenceLength(bytes, at);
    if (len === 0) { out += String.fromCharCode(escapedByteBase + bytes[at]!); at++; continue; }
    out += bytes.subarray(at, at + len).toString('utf8');
    at += len;
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `at`, or 0. */
function utf8SequenceLength(b: Buffer, at: number): number {
  const c = b[at]!;
  if (c < 0x80) return 1;
  const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (len === 0 || at + len > b.length) return 0;
  for (let i = 1; i < len; i++) if ((b[at + i]! & 0xc0) !== 0x80) return 0;
  const second = b[at + 1]!;
  if (c === 0xe0 && second < 0xa0) return 0;
  if (c === 0xed && second > 0x9f) return 0;
  if (c === 0xf0 && second < 0x90) return 0;
  if (c === 0xf4 && second > 0x8f) return 0;
  return len;
}

/** The bytes of a decoded path again (for Location headers): escaped bytes become themselves. */
export function pathBytes(path: string): Buffer {
  const parts: Buffer[] = [];
  let run = '';
  for (const ch of path) {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= escapedByteBase + 0x80 && code <= escapedByteBase + 0xff) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.from([code - escapedByteBase]));
      run = '';
    } else run += ch;
  }
  parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

function parseRequestUri(uri: string, method: string): { path: string; rawQuery: string } {
  if (uri === '' || /[\x00-\x1f\x7f]/.test(uri)) throw new RejectError(400);
  let rest = uri;
  if (uri === '*') return { path: '*', rawQuery: '' };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  if (scheme && !uri.startsWith('/')) {
    rest = uri.slice(scheme[0].length);
    if (rest.startsWith('//')) {
      const slash = rest.indexOf('/', 2);
      const q = rest.indexOf('?', 2);
      const end = slash < 0 ? (q < 0 ? rest.length : q) : (q >= 0 && q < slash ? q : slash);
      rest = rest.slice(end);
    }
  } else if (!uri.startsWith('/') && method !== 'CONNECT') throw new RejectError(400);
  const q = rest.indexOf('?');
  const rawPath = q < 0 ? rest : rest.slice(0, q);
  return { path: unescapePath(rawPath), rawQuery: q < 0 ? '' : rest.slice(q + 1) };
}

interface Parsed {
  req: GoRequest;
  keepAlive: boolean;
  consumed: number;
  /** Expect: 100-continue on HTTP/1.1 with a body: Go's body reader answers 100 on the first read. */
  expectsContinue: boolean;
}

/** The head is complete but the body is not. */
interface Partial {
  head: GoRequest;
  expectsContinue: boolean;
  /** A chunked body complete but for its trailer's blank line: what to answer if that never comes. */
  trailerPending?: Parsed;
}

function headerHas(values: string[] | undefined, token: string): boolean {
  return (values ?? []).some((v) => v.split(',').some((t) => t.trim().toLowerCase() === token));
}

/** Parses one request from `buf`; undefined or Partial when more bytes are needed. */
function parseRequest(buf: Buffer): Parsed | Partial | undefined {
  const headEnd = findHeadEnd(buf);
  if (headEnd === undefined) {
    if (buf.length > maxHeaderBytes) throw new RejectError(431);
    return undefined;
  }
  if (headEnd.end > maxHeaderBytes) throw new RejectError(431);
  const headText = buf.subarray(0, headEnd.start).toString('latin1');
  const lines = headText.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  // Go skips nothing: the first line must be the request line.
  const requestLine = lines.shift() ?? '';
  const sp1 = requestLine.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
  if (sp1 < 0 || sp2 < 0) throw new RejectError(400);
  const method = requestLine.slice(0, sp1);
  const requestUri = requestLine.slice(sp1 + 1, sp2);
  const protoText = requestLine.slice(sp2 + 1);
  const version = /^HTTP\/(\d)\.(\d)$/.exec(protoText);
  if (!version) throw new RejectError(400);
  if (!tokenChar.test(method)) throw new RejectError(400);
  const { path, rawQuery } = parseRequestUri(requestUri, method);

  const headers = new Map<string, string[]>();
  let lastKey: string | undefined;
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastKey) {
      const values = headers.get(lastKey)!;
      values[values.length - 1] = `${values[values.length - 1]} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new RejectError(400);
    const rawKey = line.slice(0, colon);
    if (!tokenChar.test(rawKey)) throw new RejectError(400);
    const key = canonicalHeaderKey(rawKey);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    headers.set(key, [...(headers.get(key) ?? []), value]);
    lastKey = key;
  }

  const major = Number(version[1]);
  const minor = Number(version[2]);
  if (major !== 1) throw new RejectError(505, 'unsupported protocol version');
  const hosts = headers.get('Host');
  if (minor >= 1 && !hosts && method !== 'CONNECT') throw new RejectError(400, 'missing required Host header');
  if (hosts && hosts.length > 1) throw new RejectError(400);
  if (hosts && !/^[A-Za-z0-9!$&'()*+,\-.:;=[\]_~%@]*$/.test(hosts[0]!)) throw new RejectError(400, 'malformed Host header');
  for (const values of headers.values()) {
    for (const v of values) if (/[\x00-\x08\x0a-\x1f\x7f]/.test(v)) throw new RejectError(400, 'invalid header value');
  }

  // Go looks at the first Expect value only; any protocol version gets the 417.
  const expect = headers.get('Expect')?.[0] ?? '';
  const continueAsked = headerHas([expect], '100-continue');
  const proto = minor >= 1 ? 'HTTP/1.1' : 'HTTP/1.0';
  const head: GoRequest = { method, requestUri, path, rawQuery, headers, body: Buffer.alloc(0), proto };
  const connection = headers.get('Connection');
  const keepAliveAsked = minor >= 1 ? !headerHas(connection, 'close') : headerHas(connection, 'keep-alive');
  const bodyStart = headEnd.end;
  const te = headers.get('Transfer-Encoding');
  // Go checks Expect after the framing headers, and discards an announced body before closing.
  const expectFails = expect !== '' && !continueAsked;
  if (te && minor >= 1) {
    if (te.length !== 1 || te[0]!.toLowerCase() !== 'chunked') throw new RejectError(501);
    if (expectFails) throw new RejectError(417, '', proto, Infinity);
    const expectsContinue = continueAsked;
    const chunked = readChunked(buf, bodyStart);
    if (!chunked && buf.length - bodyStart > maxBodyBytes) throw new RejectError(413);
    if (!chunked) return { head, expectsContinue };
    const req = { ...head, body: Buffer.from(chunked.body), ...(chunked.error ? { bodyError: chunked.error } : {}) };
    // Unreadable framing: Go's discard of the rest fails, so the connection closes after the answer.
    const parsed: Parsed = { req, keepAlive: keepAliveAsked && !chunked.error, consumed: chunked.end, expectsContinue };
    if (chunked.trailerPending) return { head, expectsContinue, trailerPending: { ...parsed, keepAlive: false } };
    return parsed;
  }
  {
    const lengths = headers.get('Content-Length');
    let length = 0;
    if (lengths) {
      const distinct = new Set(lengths.map((l) => l.trim()));
      if (distinct.size > 1) throw new RejectError(400);
      const text = [...distinct][0]!;
      if (!/^\d+$/.test(text)) throw new RejectError(400);
      length = Number(text);
      if (length > maxBodyBytes) throw new RejectError(413);
    }
    if (expectFails) throw new RejectError(417, '', proto, Math.max(0, length - (buf.length - bodyStart)));
    const expectsContinue = continueAsked && minor >= 1 && length > 0;
    if (buf.length < bodyStart + length) return { head, expectsContinue };
    const body = Buffer.from(buf.subarray(bodyStart, bodyStart + length));
    return { req: { ...head, body }, keepAlive: keepAliveAsked, consumed: bodyStart + length, expectsContinue };
  }
}

/** End of the header block: Go's textproto accepts "\n" as well as "\r\n" line ends. */
function findHeadEnd(buf: Buffer): { start: number; end: number } | undefined {
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    if (buf[i + 1] === 0x0a) return { start: i, end: i + 2 };
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return { start: i, end: i + 3 };
  }
  return undefined;
}

/**
 * A chunked body. `trailerPending`: the last chunk came but not the trailer's blank line, which
 * Go's body reader waits for (until the read deadline). `error`: Go's text for broken framing,
 * with the chunks read before it.
 */
function readChunked(buf: Buffer, start: number): { body: Buffer; end: number; trailerPending: boolean; error?: string } | undefined {
  const parts: Buffer[] = [];
  let at = start;
  // Go's chunked reader texts; the handler sees them as its body read error.
  const fail = (error: string) => ({ body: Buffer.concat(parts), end: buf.length, trailerPending: false, error });
  for (;;) {
    const lineEnd = buf.indexOf('\n', at);
    if (lineEnd < 0) return undefined;
    const sizeText = buf.subarray(at, lineEnd).toString('latin1').replace(/[ \t\r]+$/, '').split(';')[0]!.replace(/[ \t]+$/, '');
    if (sizeText === '') return fail('empty hex number for chunk length');
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) return fail('invalid byte in chunk length');
    if (sizeText.length > 16) return fail('http chunk length too large');
    const size = parseInt(sizeText, 16);
    at = lineEnd + 1;
    if (size === 0) {
      // Trailers, then the blank line.
      for (;;) {
        const end = buf.indexOf('\n', at);
        if (end < 0) return { body: Buffer.concat(parts), end: buf.length, trailerPending: true };
        const line = buf.subarray(at, end).toString('latin1').replace(/\r$/, '');
        at = end + 1;
        if (line === '') return { body: Buffer.concat(parts), end: at, trailerPending: false };
      }
    }
    if (buf.length < at + size + 2) return undefined;
    parts.push(buf.subarray(at, at + size));
    at += size;
    if (buf[at] !== 0x0d || buf[at + 1] !== 0x0a) return fail('malformed chunked encoding');
    at += 2;
  }
}

/** What Go writes on the raw connection for a request it rejects, before closing it. */
function rejectionBytes(err: RejectError): string {
  const reason = statusText[err.status] ?? '';
  const line = err.text ? `${err.status} ${reason}: ${err.text}` : `${err.status} ${reason}`;
  if (err.status === 417) {
    return `${err.proto} 417 Expectation Failed\r\nConnection: close\r\nDate: ${new Date().toUTCString()}\r\nContent-Length: 0\r\n\r\n`;
  }
  if (err.status === 501) return `HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nUnsupported transfer encoding`;
  return `HTTP/1.1 ${line}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${line}`;
}

/** Body bytes a request announced (chunked: unknown, so all until the read deadline). */
function unreadBodyBytes(req: GoRequest): number {
  if (req.headers.get('Transfer-Encoding')) return Infinity;
  return Number(req.headers.get('Content-Length')?.[0] ?? 0);
}

function isServerOptions(req: GoRequest): boolean {
  return req.method === 'OPTIONS' && req.requestUri === '*';
}

function bodyAllowed(status: number): boolean {
  return !((status >= 100 && status < 200) || status === 204 || status === 304);
}

/** Serialises a response as Go's chunkWriter does; returns whether the connection stays open. */
function responseBytes(req: GoRequest, res: GoResponse, keepAlive: boolean): { bytes: Buffer; keepAlive: boolean } {
  const body = res.body === undefined ? Buffer.alloc(0) : Buffer.from(res.body);
  const isHead = req.method === 'HEAD';
  const allowed = bodyAllowed(res.status);
  const headers: Array<[string, string]> = Object.entries(res.headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const extra: Array<[string, string]> = [['Date', new Date().toUTCString()]];
  let chunked = false;
  let stayOpen = keepAlive;
  if (res.headers['Content-Length'] !== undefined) {
    // The handler set it (only "OPTIONS *" does).
  } else if (allowed && body.length <= bufferBeforeChunkingBytes) {
    if (!isHead || body.length > 0) extra.push(['Content-Length', String(body.length)]);
  } else if (allowed && !isHead) {
    if (req.proto === 'HTTP/1.1') chunked = true;
    else stayOpen = false;
  }
  if (req.proto === 'HTTP/1.1' && !stayOpen) extra.push(['Connection', 'close']);
  if (req.proto === 'HTTP/1.0' && stayOpen) extra.push(['Connection', 'keep-alive']);
  if (chunked) extra.push(['Transfer-Encoding', 'chunked']);
  let head = `${req.proto} ${res.status} ${statusText[res.status] ?? ''}\r\n`;
  for (const [k, v] of [...headers, ...extra]) head += `${k}: ${v}\r\n`;
  head += '\r\n';
  const parts = [Buffer.from(head, 'latin1')];
  if (allowed && !isHead && body.length > 0) {
    if (chunked) parts.push(Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n'));
    else parts.push(body);
  } else if (chunked) parts.push(Buffer.from('0\r\n\r\n'));
  return { bytes: Buffer.concat(parts), keepAlive: stayOpen };
}

/** A net.Server speaking Go-framed HTTP/1.x to `handler`, one request at a time per connection. */
export function createGoHttpServer(
  handler: GoHandler, timeouts: GoHttpTimeouts = defaultTimeouts, readsBody: GoReadsBody = () => true,
): net.Server {
  const server = net.createServer((socket) => serveConnection(socket, handler, timeouts, readsBody));
  return server;
}

function serveConnection(socket: net.Socket, handler: GoHandler, timeouts: GoHttpTimeouts, readsBody: GoReadsBody): void {
  let buf: Buffer = Buffer.alloc(0);
  let busy = false;
  let closed = false;
  let continued = false;
  let timer: NodeJS.Timeout | undefined;
  /** A chunked request short of its trailer's end: answered when the read deadline passes. */
  let trailerPending: Parsed | undefined;
  // Idle until a request's first byte; from then on the read deadline runs (Go closes silently,
  // unless a handler is already reading the body: then it answers, see dispatch).
  const onDeadline = () => {
    if (trailerPending && !busy) {
      const pending = trailerPending;
      trailerPending = undefined;
      buf = Buffer.alloc(0);
      void dispatch({ ...pending, req: { ...pending.req, bodyTimedOut: true } });
      return;
    }
    socket.destroy();
  };
  const arm = (ms: number) => { clearTimeout(timer); timer = setTimeout(onDeadline, ms); };
  arm(timeouts.idleMs);
  socket.on('error', () => {});
  socket.on('close', () => { closed = true; clearTimeout(timer); });
  socket.on('end', () => { if (!busy) socket.destroy(); });
  socket.on('data', (data: Buffer) => {
    if (draining !== undefined) {
      draining -= data.length;
      if (draining <= 0) { clearTimeout(timer); socket.end(); }
      return;
    }
    if (buf.length === 0 && !busy) arm(timeouts.readMs);
    buf = buf.length === 0 ? data : Buffer.concat([buf, data]);
    void next();
  });

  const next = async (): Promise<void> => {
    if (busy || closed) return;
    let parsed: Parsed | Partial | undefined;
    try {
      parsed = parseRequest(buf);
    } catch (err) {
      if (!(err instanceof RejectError)) throw err;
      closed = true;
      if (err.drainBytes > 0) {
        socket.write(rejectionBytes(err));
        drainThenClose(err.drainBytes);
        return;
      }
      socket.end(rejectionBytes(err));
      return;
    }
    if (!parsed) return;
    if (!('req' in parsed)) {
      trailerPending = parsed.trailerPending;
      if (!parsed.expectsContinue || continued) return;
      if (!isServerOptions(parsed.head) && readsBody(parsed.head)) {
        continued = true;
        socket.write('HTTP/1.1 100 Continue\r\n\r\n');
        return;
      }
      // The handler will not read the body: it answers now; Go then discards the body (waiting
      // for it up to the read deadline) and closes.
      buf = Buffer.alloc(0);
      await dispatch({ req: parsed.head, keepAlive: false, consumed: 0, expectsContinue: true }, unreadBodyBytes(parsed.head));
      return;
    }
    trailerPending = undefined;
    buf = buf.subarray(parsed.consumed);
    await dispatch(parsed);
  };

  /** After the answer, bytes of an unread body still to come before closing (Infinity: until the deadline). */
  let draining: number | undefined;
  const drainThenClose = (bytes: number) => {
    draining = bytes;
    buf = Buffer.alloc(0);
    clearTimeout(timer);
    timer = setTimeout(() => socket.end(), timeouts.readMs);
  };
  const dispatch = async (parsed: Parsed, drainBytes?: number): Promise<void> => {
    busy = true;
    clearTimeout(timer);
    let keepAlive = parsed.keepAlive;
    let prefix = '';
    if (parsed.expectsContinue && !continued) {
      if (!isServerOptions(parsed.req) && readsBody({ ...parsed.req, body: Buffer.alloc(0) })) prefix = 'HTTP/1.1 100 Continue\r\n\r\n';
      else keepAlive = false;
    }
    continued = false;
    // Go's server answers "OPTIONS *" itself, before any handler.
    const res = isServerOptions(parsed.req)
      ? { status: 200, headers: { 'Content-Length': '0' } }
      : await handler(parsed.req);
    if (closed) return;
    const answer = responseBytes(parsed.req, res, keepAlive);
    const out = { keepAlive: answer.keepAlive, bytes: prefix ? Buffer.concat([Buffer.from(prefix, 'latin1'), answer.bytes]) : answer.bytes };
    busy = false;
    if (!out.keepAlive) {
      if (drainBytes !== undefined && drainBytes > buf.length) {
        socket.write(out.bytes);
        closed = true;
        drainThenClose(drainBytes - buf.length);
        return;
      }
      socket.end(out.bytes);
      closed = true;
      return;
    }
    socket.write(out.bytes);
    if (socket.readableEnded) { socket.end(); return; }
    arm(buf.length > 0 ? timeouts.readMs : timeouts.idleMs);
    if (buf.length > 0) void next();
  };
}
