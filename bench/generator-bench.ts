// How fast can the open-loop generator schedule? Runs it against a trivial server in a child
// process (so the generator has a core of its own) at several rates and reports, per rate, the
// achieved send rate, how far sends fell behind schedule, and the generator's CPU.
// Usage: node --import tsx bench/generator-bench.ts [--rates 2000,5000,8000] [--duration-ms 5000] [--connections 20]
// Output: reports/runs/<timestamp>-bench-generator/ (results.json, per-rate JSON and .hgrm); the
// last line printed is that folder.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { startAnnouncedChild } from './floor/announced-child.ts';
import { runOpenLoop } from './open-loop.ts';
import { makeRunDir, writeLoadResult } from './run-output.ts';
import { usageExitCode } from '../cluster/common/cli-usage.ts';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '2000,5000,8000' },
    'duration-ms': { type: 'string', default: '5000' },
    connections: { type: 'string', default: '20' },
  },
});
const rates = values.rates.split(',').map(Number);
const durationMs = Number(values['duration-ms']);
const connections = Number(values.connections);
if (rates.some((r) => !(r > 0)) || !(durationMs > 0) || !(connections > 0)) {
  console.error('usage: generator-bench.ts [--rates 2000,5000,8000] [--duration-ms 5000] [--connections 20]');
  process.exit(usageExitCode);
}

const dir = await makeRunDir('bench-generator');
const trivial = await startAnnouncedChild(new URL('./trivial-server.ts', import.meta.url).pathname);
const server = { url: `http://127.0.0.1:${trivial.port}` };
const rows: Record<string, number | boolean | string>[] = [];
try {
  // Warm-up: JIT and connection setup, not reported.
  await runOpenLoop({ target: server.url, rateRps: 1000, durationMs: 1000, connections, buildRequest: () => ({ method: 'GET', path: '/' }) });
  for (const rateRps of rates) {
    const r = await runOpenLoop({ target: server.url, rateRps, durationMs, connections, buildRequest: () => ({ method: 'GET', path: '/' }) });
    const json = await writeLoadResult(dir, `rate-${rateRps}`, r);
    rows.push({
      targetRps: rateRps,
      achievedRps: Math.round(json.achievedRateRps),
      sent: r.sent,
      ok: r.ok,
      errors: json.errorsTotal,
      lagMsP50: r.health.scheduleLag!.p50Ms,
      lagMsP99: r.health.scheduleLag!.p99Ms,
      lagMsMax: r.health.scheduleLag!.maxMs,
      cpuPercent: Math.round(r.health.cpuPercent),
      loopDelayMsP99: Math.round(r.health.eventLoopDelay.p99Ms * 100) / 100,
      correctedMsP99: json.corrected!.table.p99Ms,
      rawMsP99: json.raw.table.p99Ms,
      bottleneck: r.health.bottleneck,
    });
    for (const w of r.health.warnings) console.warn(`  rate ${rateRps}: ${w}`);
  }
} finally {
  await trivial.stop();
}

await writeFile(join(dir, 'results.json'), `${JSON.stringify({
  kind: 'bench-generator', durationMs, connections, node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, rows,
}, null, 2)}\n`);
console.table(rows);
console.log(dir);
