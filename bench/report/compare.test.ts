import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../../cluster/config.ts';
import { UsageError } from '../../cluster/common/cli-usage.ts';
import { compareRuns, loadRun } from './compare.ts';
import type { RunSummary } from './run-summary.ts';

const root = mkdtempSync(join(tmpdir(), 'bench-compare-test-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

const lat = (p99: number) => ({ count: 1000, p50: 2, p90: 5, p99, p999: 20, max: 30 });

function summary(okPerSec: number, p99: number, errorRate = 0): RunSummary {
  return {
    mode: 'open-loop', requests: 1000, ok: 1000, okPerSec, errors: errorRate * 1000, errorRate, errorsByKind: {}, errorSamples: {},
    targetRateRps: 500, connections: 64, elapsedMs: 2000, latencyMs: { corrected: lat(p99), raw: lat(p99 / 2) },
    generator: { cpuPercent: 20, lagMs: null, eventLoopDelayMsP99: 1, bottleneck: false, warnings: [] },
  };
}

function folder(name: string, s: RunSummary, fsync = 'always', nodeFlags = ['--no-memory-reducer']): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ scenario: '500rps', ...s, details: {} }));
  const config = { gateway: { port: fsync === 'always' ? 8080 : 9090, batchesInFlight: fsync === 'always' ? 1 : 4 }, storage: { fsync, dataDir: `/tmp/${name}` } };
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ scenario: '500rps', startedAt: '2026-12-07T00:00:00.000Z', environment: { cpuModel: 'x', cpuCount: 2, nodeFlags, loadAverage1m: 1 }, cluster: { fsync, config } }));
  return dir;
}

test('flags only the figures that got worse beyond the threshold', () => {
  const rows = compareRuns(summary(500, 10), summary(440, 10.5, 0.01), 0.1);
  const flagged = rows.filter((r) => r.regression).map((r) => r.metric);
  assert.equal(flagged, ['ok/s', 'error rate %']);
  const p99 = rows.find((r) => r.metric === 'corrected p99 ms')!;
  assert.is(p99.ratio, 1.05);
  assert.is(p99.regression, false);
  assert.equal(compareRuns(summary(500, 10), summary(500, 12), 0.1).filter((r) => r.regression).map((r) => r.metric), ['corrected p99 ms', 'raw p99 ms']);
  assert.equal(compareRuns(summary(500, 10), summary(500, 12), 0.25).filter((r) => r.regression), []);
  // Improvements are never regressions.
  assert.equal(compareRuns(summary(500, 10), summary(900, 2), 0.1).filter((r) => r.regression), []);
});

test('the CLI prints both runs side by side and exits 1 on a regression, 0 without', () => {
  const a = folder('a', summary(500, 10));
  const b = folder('b', summary(500, 20), 'never', ['--no-memory-reducer', '--single-threaded-gc']);
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bench/cli.ts', 'compare', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
  const worse = run(a, b);
  assert.is(worse.status, 1, worse.stderr);
  assert.match(worse.stdout, /note: the runs differ in fsync: always vs never/);
  assert.match(worse.stdout, /note: the runs differ in cluster gateway.batchesInFlight: 1 vs 4/);
  // The generator's GC flags move its own pauses, which land in corrected latency.
  assert.match(worse.stdout, /note: the runs differ in generator flags: --no-memory-reducer vs --no-memory-reducer --single-threaded-gc/);
  assert.not.match(worse.stdout, /port|dataDir/, 'ports and directories are not set-up differences');
  assert.match(worse.stdout, /corrected p99 ms\s+10\.0\s+20\.0\s+2\.00\s+REGRESSION/);
  assert.match(worse.stdout, /regressions? beyond 10%: corrected p99 ms, raw p99 ms/);
  const same = run(a, a, '--threshold', '5%');
  assert.is(same.status, 0, same.stdout + same.stderr);
  assert.match(same.stdout, /no regression beyond 5%/);
  const missing = run(a, join(root, 'nope'));
  assert.is(missing.status, 64);
  assert.is(missing.stderr.trim().split('\n').length, 1);
  assert.match(missing.stderr, /no run folder with results.json/);
});

test('a folder whose results.json is not a bench result is refused', () => {
  const dir = join(root, 'odd');
  mkdirSync(dir);
  writeFileSync(join(dir, 'results.json'), '{"env":{}}');
  assert.throws(() => loadRun(dir), (e: unknown) => e instanceof UsageError && /not a bench result/.test(e.message));
  // A torn run.json beside a good result names the file and the field.
  const torn = folder('torn', summary(500, 10));
  writeFileSync(join(torn, 'run.json'), JSON.stringify({ scenario: 42, startedAt: 'yesterday' }));
  assert.throws(() => loadRun(torn), (e: unknown) => e instanceof UsageError && /run\.json at (scenario|startedAt)/.test(e.message));
});

test.run();
