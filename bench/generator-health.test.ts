import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GeneratorHealth } from './generator-health.ts';
import { percentileTable } from '../cluster/common/histograms.ts';
import { runOpenLoop } from './open-loop.ts';
import { answerOk, startServer } from './test-servers.ts';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* hold the event loop, as an overloaded generator would */ }
}

test('a generator that cannot send on time says so, and its delay is not blamed on the server', async () => {
  const server = await startServer(answerOk);
  try {
    // The generator's own event loop is blocked for 500 ms in the middle of a 1.5 s run.
    setTimeout(() => busyWait(500), 500);
    const r = await runOpenLoop({ target: server.url, rateRps: 200, durationMs: 1500, connections: 4, buildRequest: () => ({ method: 'GET', path: '/' }) });
    const lag = r.health.scheduleLag!;
    assert.ok(lag.maxMs >= 450, `lag max ${lag.maxMs}`);
    assert.ok(lag.p99Ms >= 300, `lag p99 ${lag.p99Ms}`);
    assert.ok(r.health.bottleneck);
    assert.ok(r.health.warnings.some((w) => /behind schedule/.test(w)), r.health.warnings.join('\n'));
    assert.ok(r.health.eventLoopDelay.maxMs >= 450, `event loop max ${r.health.eventLoopDelay.maxMs}`);
    // Corrected latency keeps the truth the user sees; raw service time stays small.
    assert.ok(percentileTable(r.corrected!).maxMs >= 450);
    assert.ok(percentileTable(r.raw).p99Ms < 200, `raw p99 ${percentileTable(r.raw).p99Ms}`);
    assert.is(r.ok, 300);
  } finally {
    await server.close();
  }
});

test('CPU is reported per core over wall time, and a busy generator is flagged', () => {
  const h = new GeneratorHealth(() => performance.now(), { cpuPercentMax: 10 }, false);
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  h.start();
  // Spin until 300 ms of CPU is used, however long other processes make that take.
  while ((process.cpuUsage(cpuStart).user + process.cpuUsage(cpuStart).system) < 300_000) { /* spin */ }
  const report = h.stop();
  const cpu = process.cpuUsage(cpuStart);
  const expectedPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 100;
  assert.ok(Math.abs(report.cpuPercent - expectedPercent) < 15, `cpu ${report.cpuPercent} vs ${expectedPercent}`);
  assert.is(report.scheduleLag, null);
  assert.ok(report.bottleneck);
  assert.ok(report.warnings.some((w) => /CPU/.test(w)));
  assert.is(h.stop(), report, 'stop is idempotent');
});

test.run();
