// Runs compare-cases.ts against two servers and reports the cases whose answers differ.
// Answers are raw bytes (framing included: chunked vs Content-Length, HTTP/1.0 vs 1.1, whether the
// server closed the connection), masked only where the two servers must differ: Date, the request
// id's value (its length is kept), and the listen ports each server was given.
import net from 'node:net';
import { startEchoServer, type EchoServer } from './echo-server.ts';

/** One step's request: raw bytes, or parts sent `pauseMs` apart. `{P0}`..`{P39}` and `{UP}` are filled in. */
export interface RawStep {
  kind: 'raw';
  parts: Array<string | Buffer | ((ctx: Pick<CaseContext, 'port' | 'upstream'>) => Buffer)>;
  pauseMs?: number;
  /** Answers to read before looking at the connection (pipelining); default 1. */
  responses?: number;
  /** After the last answer, wait this long and report whether the server closed; default 0 (not reported). */
  watchCloseMs?: number;
  /** Give up waiting for an answer after this long; default 3000. */
  timeoutMs?: number;
}

export interface ProbeStep {
  kind: 'probe';
  label: string;
  run(ctx: CaseContext): Promise<string>;
}

export type Step = RawStep | ProbeStep;

export interface CompareCase {
  name: string;
  steps: Step[];
  /** Set when the README lists this difference as a deviation: the reason, shortly. */
  deviation?: string;
}

export interface CaseContext {
  apiPort: number;
  /** The i-th listen port of this server. */
  port(i: number): number;
  upstream: string;
  /** Held by the probe, closed after the case. */
  sockets: Map<string, net.Socket>;
  /** Plain listeners (a port taken by someone else), closed after the case. */
  servers: net.Server[];
}

interface Side {
  name: string;
  url: string;
  apiPort: number;
  portBase: number;
}

const portsPerSide = 40;

export function fill(text: string, ctx: Pick<CaseContext, 'port' | 'upstream'>): string {
  return text.replace(/\{P(\d+)\}/g, (_m, i: string) => String(ctx.port(Number(i)))).replace(/\{UP\}/g, ctx.upstream);
}

/** Sends a raw request and reads `responses` HTTP answers (or until close / timeout). */
export async function rawExchange(apiPort: number, step: RawStep, ctx: Pick<CaseContext, 'port' | 'upstream'>): Promise<string> {
  const parts = step.parts.map((p) => (typeof p === 'string' ? Buffer.from(fill(p, ctx), 'latin1') : typeof p === 'function' ? p(ctx) : p));
  const request = Buffer.concat(parts).toString('latin1');
  const heads = [...request.matchAll(/(?:^|\r\n\r\n)([A-Za-z]+) /g)].map((m) => m[1]);
  const want = step.responses ?? 1;
  const socket = net.connect(apiPort, '127.0.0.1');
  let buffer = Buffer.alloc(0);
  let closed = false;
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => { buffer = Buffer.concat([buffer, d]); wake?.(); });
  socket.on('end', () => { closed = true; wake?.(); });
  socket.on('error', () => { closed = true; wake?.(); });
  socket.on('close', () => { closed = true; wake?.(); });
  const waitChange = (ms: number) => new Promise<boolean>((resolve) => {
    const t = setTimeout(() => { wake = undefined; resolve(false); }, ms);
    wake = () => { clearTimeout(t); wake = undefined; resolve(true); };
  });
  await new Promise<void>((resolve) => { socket.once('connect', resolve); socket.once('error', () => resolve()); });
  for (let i = 0; i < parts.length && !closed; i++) {
    if (i > 0 && step.pauseMs) await new Promise((r) => setTimeout(r, step.pauseMs));
    socket.write(parts[i]!);
  }
  const answers: string[] = [];
  const deadline = Date.now() + (step.timeoutMs ?? 3000);
  let note = '';
  while (answers.length < want) {
    const parsed = parseAnswer(buffer, heads[answers.length] === 'HEAD', closed);
    if (parsed) {
      answers.push(buffer.subarray(0, parsed).toString('latin1'));
      buffer = buffer.subarray(parsed);
      continue;
    }
    if (closed) { note = ' [closed before a full answer]'; break; }
    const left = deadline - Date.now();
    if (left <= 0) { note = ' [no full answer in time]'; break; }
    await waitChange(left);
  }
  let tail = '';
  if (buffer.length > 0) tail += `[then ${JSON.stringify(buffer.toString('latin1'))}]`;
  if (step.watchCloseMs !== undefined && !note) {
    if (!closed) await waitChange(step.watchCloseMs);
    if (buffer.length > 0 && !tail) tail += `[then ${JSON.stringify(buffer.toString('latin1'))}]`;
    tail += closed ? '[server closed]' : '[still open]';
  }
  socket.destroy();
  return answers.join('\n--next answer--\n') + note + tail;
}

/** Length of the first complete answer in `buf`, or undefined. Skips 1xx answers into the count. */
function parseAnswer(buf: Buffer, head: boolean, closed: boolean): number | undefined {
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return closed && buf.length > 0 ? buf.length : undefined;
  const headerBlock = text.slice(0, end);
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(headerBlock)?.[1] ?? 0);
  const bodyStart = end + 4;
  if ((status >= 100 && status < 200) || head || status === 204 || status === 304) return bodyStart;
  if (/\r\ntransfer-encoding: *chunked/i.test(headerBlock)) {
    let at = bodyStart;
    for (;;) {
      const lineEnd = text.indexOf('\r\n', at);
      if (lineEnd < 0) return closed ? buf.length : undefined;
      const size = parseInt(text.slice(at, lineEnd), 16);
      if (Number.isNaN(size)) return buf.length;
      if (size === 0) {
        const trailerEnd = text.indexOf('\r\n', lineEnd + 2);
        return trailerEnd < 0 ? (closed ? buf.length : undefined) : trailerEnd + 2;
      }
      at = lineEnd + 2 + size + 2;
      if (at > buf.length) return closed ? buf.length : undefined;
    }
  }
  const length = /\r\ncontent-length: *(\d+)/i.exec(headerBlock);
  if (length) {
    const total = bodyStart + Number(length[1]);
    return buf.length >= total ? total : closed ? buf.length : undefined;
  }
  return closed ? buf.length : undefined;
}

/** Date and request-id values, then this side's listen ports as {Pi}, then other addresses' ports. */
export function mask(text: string, side: Side): string {
  return text
    .replace(/\r\nDate: [^\r]*/g, '\r\nDate: <date>')
    .replace(/\r\nX-Toxiproxy-Request-Id: ([^\r]*)/g, (_m, id: string) => `\r\nX-Toxiproxy-Request-Id: <id of ${id.length}>`)
    .replace(/:(\d{4,5})\b/g, (m, p: string) => {
      const i = Number(p) - side.portBase;
      return i >= 0 && i < portsPerSide ? `:{P${i}}` : m;
    })
    .replace(/((?:\d+\.){3}\d+|\[[0-9a-f:]*\]):(\d{4,5})\b/g, '$1:{port}');
}

async function clear(side: Side): Promise<void> {
  const res = await fetch(`${side.url}/proxies`);
  const all = (await res.json()) as Record<string, unknown>;
  for (const name of Object.keys(all)) await fetch(`${side.url}/proxies/${encodeURIComponent(name)}`, { method: 'DELETE' });
  const left = Object.keys((await (await fetch(`${side.url}/proxies`)).json()) as Record<string, unknown>);
  if (left.length > 0) throw new Error(`${side.name} keeps proxies the API cannot delete (${left.map((n) => JSON.stringify(n)).join(', ')}); restart it`);
  await fetch(`${side.url}/reset`, { method: 'POST' });
}

async function runCase(side: Side, c: CompareCase, echo: EchoServer): Promise<string[]> {
  await clear(side);
  const ctx: CaseContext = {
    apiPort: side.apiPort,
    port: (i) => { if (i < 0 || i >= portsPerSide) throw new Error(`port index ${i}`); return side.portBase + i; },
    upstream: echo.address,
    sockets: new Map(),
    servers: [],
  };
  const out: string[] = [];
  try {
    for (const step of c.steps) {
      const answer = step.kind === 'raw' ? await rawExchange(side.apiPort, step, ctx) : `${step.label}: ${await step.run(ctx)}`;
      out.push(mask(answer, side));
    }
  } finally {
    for (const s of ctx.sockets.values()) s.destroy();
    await Promise.all(ctx.servers.map((s) => new Promise((r) => s.close(r))));
  }
  return out;
}

export interface ComparisonResult { cases: number; differ: number; unexplained: number }

export async function runComparison(opts: {
  reference: string; ours: string; portBase: number; cases: CompareCase[]; showEqual: boolean; print: (line: string) => void;
}): Promise<ComparisonResult> {
  const side = (name: string, url: string, base: number): Side => ({ name, url: url.replace(/\/$/, ''), apiPort: Number(new URL(url).port), portBase: base });
  const ref = side('reference', opts.reference, opts.portBase);
  const ours = side('ours', opts.ours, opts.portBase + 50);
  const version = await (await fetch(`${ref.url}/version`)).text();
  opts.print(`reference ${ref.url} ${version.trim()}; ours ${ours.url}; ${opts.cases.length} cases`);
  const echo = await startEchoServer();
  const result: ComparisonResult = { cases: 0, differ: 0, unexplained: 0 };
  try {
    // Slow cases (timeouts of 15 s and more) run on both sides at once; the rest one side at a time.
    for (const c of opts.cases) {
      const slow = c.steps.some((s) => s.kind === 'raw' && (s.timeoutMs ?? 0) > 10_000);
      const [a, b] = slow
        ? await Promise.all([runCase(ref, c, echo), runCase(ours, c, echo)])
        : [await runCase(ref, c, echo), await runCase(ours, c, echo)];
      result.cases++;
      const differing = a.map((x, i) => (x === b[i] ? -1 : i)).filter((i) => i >= 0);
      if (differing.length === 0) {
        if (opts.showEqual) opts.print(`same    ${c.name}`);
        continue;
      }
      result.differ++;
      if (!c.deviation) result.unexplained++;
      opts.print(`${c.deviation ? 'DEVIATN' : 'DIFFER '} ${c.name}${c.deviation ? ` (listed deviation: ${c.deviation})` : ''}`);
      for (const i of differing) {
        opts.print(`  step ${i + 1}\n    reference: ${JSON.stringify(a[i])}\n    ours:      ${JSON.stringify(b[i])}`);
      }
    }
  } finally {
    await echo.close();
  }
  opts.print(`${result.cases} cases compared, ${result.differ} differ (${result.differ - result.unexplained} listed deviations, ${result.unexplained} not explained)`);
  return result;
}
