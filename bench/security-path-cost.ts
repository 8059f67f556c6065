// What the security path adds per request, piece by piece, beside the whole-cluster runs
// (`bench 500rps|max --alternate insecure`): (1) the CPU of one token check, as the gateway and
// the nodes run it on every request (TokenVerifier: a stat, a SHA-256, constant-time compares);
// (2) the round trip of one ~300-byte line on a long-lived streaming POST like a peer link, served
// by the nodes' own TLS-or-plain server in a child process, plain vs mutual TLS, and with the
// server's sockets on TCP_NODELAY (as nodes run) vs Nagle (as they ran before the fix of
// 2026-12-07), the variants alternated round by round. docs/perf/2026-12-07-security-cost.md.
// Usage: node --import tsx bench/security-path-cost.ts [--rounds 3] [--rate 500] [--seconds 5]
// The last line printed is the run folder (results.json).
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureClusterCerts, readNodeTls } from '../cluster/auth/cluster-certs.ts';
import { ensureAdminToken, TokenVerifier, adminTokenPath } from '../cluster/auth/token-store.ts';
import { usageExitCode } from '../cluster/common/cli-usage.ts';
import { createTlsOrPlainServer } from '../cluster/http/tls-or-plain-server.ts';
import { makeRunDir } from './run-output.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '3' }, rate: { type: 'string', default: '500' }, seconds: { type: 'string', default: '5' } },
});
const [role, dir, mode, nagle] = positionals;

if (role === 'server') {
  // The child: the nodes' server answering each line with a short line (as a node acks a batch).
  const tls = mode === 'tls' ? readNodeTls(dir!, 'node1') : null;
  const s = createTlsOrPlainServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, tls, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.flushHeaders();
    let partial = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      const lines = (partial + c).split('\n');
      partial = lines.pop()!;
      for (const l of lines) res.write(`${l.slice(0, 24)}\n`);
    });
  });
  // The server sets TCP_NODELAY before 'connection'; undoing it here is the before-the-fix case.
  if (nagle === 'nagle') s.server.on('connection', (sock) => sock.setNoDelay(false));
  s.server.listen(0, '127.0.0.1', () => process.send!((s.server.address() as { port: number }).port));
} else {
  const rounds = Number(values.rounds);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  if (!(rounds >= 1 && rounds <= 20 && rate > 0 && rate <= 5000 && seconds > 0 && seconds <= 60)) {
    console.error('usage: security-path-cost.ts [--rounds 1..20] [--rate 1..5000] [--seconds 1..60]');
    process.exit(usageExitCode);
  }
  const work = mkdtempSync(join(tmpdir(), 'security-path-'));
  try {
    await main(work, rounds, rate, seconds);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function tokenCheckUs(work: string): { cpuUsPerCheck: number; checks: number } {
  ensureAdminToken(work);
  const token = readFileSync(adminTokenPath(work), 'utf8').trim();
  const v = new TokenVerifier(work);
  for (let i = 0; i < 20_000; i++) v.verify(token);
  const checks = 200_000;
  const c0 = process.cpuUsage();
  for (let i = 0; i < checks; i++) if (!v.verify(token).ok) throw new Error('the admin token was refused');
  const c = process.cpuUsage(c0);
  return { cpuUsPerCheck: (c.user + c.system) / checks, checks };
}

interface Rtt { sent: number; answered: number; p50: number; p90: number; p99: number; max: number; loadAverage1m: number }

async function roundTrips(work: string, mode: 'plain' | 'tls', nagle: 'nodelay' | 'nagle', rate: number, seconds: number): Promise<Rtt> {
  const child = fork(process.argv[1]!, ['server', work, mode, nagle], { execArgv: process.execArgv, stdio: 'inherit' });
  try {
    const port = await new Promise<number>((resolve, reject) => { child.once('message', (m) => resolve(m as number)); child.once('exit', () => reject(new Error('server exited'))); });
    const tls = readNodeTls(work, 'node1');
    const opts = { host: '127.0.0.1', port, path: '/stream', method: 'POST', agent: false, headers: { 'content-type': 'application/x-ndjson' } } as const;
    // As peer-transport.ts opens a link: one long-lived request, noDelay on the client side.
    const req: ClientRequest = mode === 'tls' ? httpsRequest({ ...opts, ca: tls.ca, cert: tls.cert, key: tls.key, servername: 'node1' }) : httpRequest(opts);
    req.setNoDelay(true);
    req.flushHeaders();
    const res = await new Promise<IncomingMessage>((resolve, reject) => { req.once('response', resolve); req.once('error', reject); });
    const sentAt = new Map<number, number>();
    const rtts: number[] = [];
    let partial = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      const now = performance.now();
      const lines = (partial + c).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        const i = Number(/"i":(\d+)/.exec(l)?.[1]);
        const t = sentAt.get(i);
        if (t !== undefined) { rtts.push(now - t); sentAt.delete(i); }
      }
    });
    const n = Math.round(rate * seconds);
    const pad = 'x'.repeat(300);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const wait = t0 + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sentAt.set(i, performance.now());
      req.write(`{"i":${i},"data":"${pad}"}\n`);
    }
    const until = performance.now() + 2000;
    while (sentAt.size > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    req.destroy();
    rtts.sort((a, b) => a - b);
    const q = (p: number): number => rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))] ?? NaN;
    return { sent: n, answered: rtts.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1), loadAverage1m: loadavg()[0]! };
  } finally {
    child.kill();
  }
}

async function main(work: string, rounds: number, rate: number, seconds: number): Promise<void> {
  ensureClusterCerts(work, ['node1'], '127.0.0.1', 'security-path');
  const token = tokenCheckUs(work);
  console.log(`token check: ${token.cpuUsPerCheck.toFixed(2)} us of CPU each (${token.checks} checks; at 500 writes/s ${(token.cpuUsPerCheck * 500 / 1e4).toFixed(2)} % of a core)`);
  const variants = [['plain', 'nodelay'], ['tls', 'nodelay'], ['plain', 'nagle'], ['tls', 'nagle']] as const;
  const results: Record<string, Rtt[]> = {};
  for (let r = 1; r <= rounds; r++) {
    for (const [mode, nagle] of variants) {
      const got = await roundTrips(work, mode, nagle, rate, seconds);
      (results[`${mode}-${nagle}`] ??= []).push(got);
      console.log(`round ${r} ${mode.padEnd(5)} ${nagle.padEnd(7)} rtt ms p50 ${got.p50.toFixed(3)} p90 ${got.p90.toFixed(3)} p99 ${got.p99.toFixed(3)} max ${got.max.toFixed(1)}; ${got.answered}/${got.sent} answered; load ${got.loadAverage1m.toFixed(1)}`);
    }
  }
  const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
  const medians = Object.fromEntries(Object.entries(results).map(([k, rs]) => [k, { p50: median(rs.map((x) => x.p50)), p99: median(rs.map((x) => x.p99)), loadAverage1m: median(rs.map((x) => x.loadAverage1m)) }]));
  console.log(`medians over ${rounds} alternated rounds (${rate}/s, ${seconds} s each):`);
  for (const [k, m] of Object.entries(medians)) console.log(`  ${k.padEnd(13)} p50 ${m.p50.toFixed(3)}  p99 ${m.p99.toFixed(3)} ms  (load ${m.loadAverage1m.toFixed(1)})`);
  const x = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  const [tn, pn, ta, pa] = [medians['tls-nodelay']!, medians['plain-nodelay']!, medians['tls-nagle']!, medians['plain-nagle']!];
  console.log(`  tls / plain (nodelay): p50 ${x(tn.p50, pn.p50)}, p99 ${x(tn.p99, pn.p99)};  nagle / nodelay (tls): p50 ${x(ta.p50, tn.p50)}, p99 ${x(ta.p99, tn.p99)}; (plain): p50 ${x(pa.p50, pn.p50)}, p99 ${x(pa.p99, pn.p99)}`);
  const out = await makeRunDir('bench-security-path');
  writeFileSync(join(out, 'results.json'), `${JSON.stringify({ rate, seconds, rounds, tokenCheck: token, perRound: results, medians }, null, 2)}\n`);
  console.log(out);
}
