// What one proxy hop costs, without toxics: `node --import tsx chaos/proxy/proxy-bench.ts
// [--round-trips N] [--mib M] [--runs R]`.
// - Added round-trip latency: 64-byte ping-pong against an echo server, direct vs through the
//   proxy, closed loop (one message in flight, so there is no send schedule to fall behind),
//   recorded in µs in HDR histograms. A round trip crosses the proxy twice (one hop each way).
// - Throughput: M MiB written one way into a counting sink, direct vs through the proxy, R runs.
// The proxy runs as a child process through its CLI, as `just toxiproxy` runs it; the echo server,
// the sink and the client share this process. Writes reports/runs/<ts>-bench-proxy/results.json,
// prints a table, and prints the folder as the last line.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { Toxiproxy } from 'toxiproxy-node-client';
import { RUNS_DIR, runFolderName } from '../../bench/run-output.ts';
import { startEchoServer } from './echo-server.ts';
import { UsageError, usageExitCode } from '../../cluster/common/cli-usage.ts';

function parseArgs(argv: string[]): { roundTrips: number; mib: number; runs: number } {
  const out = { roundTrips: 5000, mib: 256, runs: 3 };
  const names: Record<string, keyof typeof out> = { '--round-trips': 'roundTrips', '--mib': 'mib', '--runs': 'runs' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]!];
    const value = Number(argv[i + 1]);
    if (!key) throw new UsageError(`unknown option ${argv[i]}; usage: proxy-bench.ts [--round-trips N] [--mib M] [--runs R]`);
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`${argv[i]} needs a positive integer`);
    out[key] = value;
  }
  return out;
}

const messageBytes = 64;
const warmupRoundTrips = 500;

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  return socket;
}

async function pingPong(port: number, count: number): Promise<hdr.Histogram> {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const socket = await connect(port);
  const message = Buffer.alloc(messageBytes, 1);
  let pending = 0;
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => { pending -= d.length; if (pending <= 0) wake?.(); });
  for (let i = 0; i < warmupRoundTrips + count; i++) {
    const started = performance.now();
    pending = messageBytes;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('round trip took over 10 s')), 10_000);
      wake = () => { clearTimeout(timer); resolve(); };
      socket.write(message);
    });
    if (i >= warmupRoundTrips) histogram.recordValue(Math.max(1, Math.round((performance.now() - started) * 1000)));
  }
  socket.destroy();
  return histogram;
}

async function startSink(): Promise<{ port: number; received: () => number; close: () => void }> {
  let received = 0;
  const server = net.createServer((s) => { s.on('data', (d: Buffer) => { received += d.length; }); s.on('error', () => {}); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, received: () => received, close: () => server.close() };
}

/** MB/s (10^6 bytes) for `bytes` written into the sink through `port`. */
async function throughput(port: number, sink: Awaited<ReturnType<typeof startSink>>, bytes: number): Promise<number> {
  const socket = await connect(port);
  const block = Buffer.alloc(64 * 1024, 2);
  const target = sink.received() + bytes;
  const started = performance.now();
  let written = 0;
  while (written < bytes) {
    written += block.length;
    if (!socket.write(block)) await new Promise((r) => socket.once('drain', r));
  }
  const deadline = started + 120_000;
  while (sink.received() < target) {
    if (performance.now() > deadline) throw new Error('throughput run took over 120 s');
    await new Promise((r) => setImmediate(r));
  }
  const seconds = (performance.now() - started) / 1000;
  socket.destroy();
  return written / 1e6 / seconds;
}

async function startProxyChild(): Promise<{ url: string; stop: () => void }> {
  const cli = new URL('./cli.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--host', '127.0.0.1', '--port', '0', '--seed', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('proxy did not start in 20 s')), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"message":"Listening"'));
      if (line) { clearTimeout(timer); resolve((JSON.parse(line) as { url: string }).url); }
    });
    child.on('exit', (code) => reject(new Error(`proxy exited ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

const summary = (h: hdr.Histogram) => ({
  p50Us: h.getValueAtPercentile(50),
  p90Us: h.getValueAtPercentile(90),
  p99Us: h.getValueAtPercentile(99),
  p999Us: h.getValueAtPercentile(99.9),
  maxUs: h.maxValue,
  meanUs: Math.round(h.mean),
  count: h.totalCount,
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const echo = await startEchoServer();
  const sink = await startSink();
  const child = await startProxyChild();
  try {
    const client = new Toxiproxy(child.url);
    const echoProxy = await client.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address });
    const sinkProxy = await client.createProxy({ name: 'sink', listen: '127.0.0.1:0', upstream: `127.0.0.1:${sink.port}` });
    const portOf = (listen: string) => Number(listen.slice(listen.lastIndexOf(':') + 1));

    const direct = await pingPong(echo.port, args.roundTrips);
    const proxied = await pingPong(portOf(echoProxy.listen), args.roundTrips);
    const bytes = args.mib * 1024 * 1024;
    const directMBps: number[] = [];
    const proxiedMBps: number[] = [];
    for (let r = 0; r < args.runs; r++) {
      directMBps.push(await throughput(sink.port, sink, bytes));
      proxiedMBps.push(await throughput(portOf(sinkProxy.listen), sink, bytes));
    }

    const d = summary(direct);
    const p = summary(proxied);
    const results = {
      bench: 'proxy',
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}` },
      settings: { ...args, messageBytes, warmupRoundTrips, proxy: 'child process via chaos/proxy/cli.ts, no toxics' },
      roundTrip: {
        direct: d,
        proxied: p,
        addedPerProxyUs: { p50: p.p50Us - d.p50Us, p99: p.p99Us - d.p99Us },
        addedPerHopUs: { p50: (p.p50Us - d.p50Us) / 2, p99: (p.p99Us - d.p99Us) / 2 },
        histograms: { direct: hdr.encodeIntoCompressedBase64(direct), proxied: hdr.encodeIntoCompressedBase64(proxied) },
      },
      throughputMBps: {
        direct: directMBps.map((x) => Math.round(x)),
        proxied: proxiedMBps.map((x) => Math.round(x)),
        directMedian: Math.round(median(directMBps)),
        proxiedMedian: Math.round(median(proxiedMBps)),
        proxiedShareOfDirect: Number((median(proxiedMBps) / median(directMBps)).toFixed(3)),
      },
    };
    const dir = join(RUNS_DIR, runFolderName('bench-proxy'));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

    const row = (cells: Array<string | number>) => cells.map((c, i) => String(c).padStart(i === 0 ? 0 : 10).padEnd(i === 0 ? 22 : 0)).join('');
    console.log(row(['round trip (µs)', 'p50', 'p90', 'p99', 'p99.9', 'max']));
    console.log(row(['direct', d.p50Us, d.p90Us, d.p99Us, d.p999Us, d.maxUs]));
    console.log(row(['through proxy', p.p50Us, p.p90Us, p.p99Us, p.p999Us, p.maxUs]));
    console.log(row(['added per proxy', p.p50Us - d.p50Us, p.p90Us - d.p90Us, p.p99Us - d.p99Us, p.p999Us - d.p999Us, '']));
    console.log(row(['added per hop (½)', (p.p50Us - d.p50Us) / 2, '', (p.p99Us - d.p99Us) / 2, '', '']));
    console.log('');
    console.log(row(['throughput (MB/s)', 'median', 'runs']));
    console.log(`${row(['direct', results.throughputMBps.directMedian])}  ${results.throughputMBps.direct.join(', ')}`);
    console.log(`${row(['through proxy', results.throughputMBps.proxiedMedian])}  ${results.throughputMBps.proxied.join(', ')}`);
    console.log(dir);
  } finally {
    child.stop();
    sink.close();
    await echo.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`proxy-bench: ${err instanceof UsageError ? err.message : (err as Error)?.stack ?? String(err)}\n`);
  process.exit(err instanceof UsageError ? usageExitCode : 1);
});
