// A run's metrics endpoint: serves its registry, registers itself in a targets file Prometheus
// reads, waits for a last scrape at the end, and withdraws the target when closed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChaosMetrics } from '../chaos/metrics/chaos-metrics.ts';
import { MetricsEndpoint } from './metrics-endpoint.ts';

test('serves the run metrics, names itself in targets/chaos-runner.json, and withdraws it on close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'metrics-endpoint-'));
  const m = new ChaosMetrics('leader-kill');
  m.run('run-1', '42');
  m.faultApplied('kill', 'node2');
  const e = new MetricsEndpoint({ registry: m.registry, job: 'chaos-runner', targetsDir: join(dir, 'targets') });
  try {
    const url = await e.start();
    const groups = JSON.parse(readFileSync(join(dir, 'targets', 'chaos-runner.json'), 'utf8')) as { targets: string[]; labels: Record<string, string> }[];
    assert.equal(groups[0]!.targets, [new URL(url).host]);
    assert.is(groups[0]!.labels.__node_id, 'chaos-runner');
    assert.is(await e.finish(50), false, 'nothing scraped yet: finish does not wait');
    const text = await (await fetch(url)).text();
    assert.match(text, /chaos_run_info\{run_id="run-1",experiment="leader-kill",seed="42"\} 1/);
    assert.match(text, /chaos_fault_active\{experiment="leader-kill",fault="kill",target="node2"\} 1/);
    m.faultHealed('kill', 'node2');
    const waiting = e.finish(5000);
    const after = await (await fetch(url)).text();
    assert.is(await waiting, true, 'finish returns once the next scrape read the final values');
    assert.match(after, /chaos_fault_active\{experiment="leader-kill",fault="kill",target="node2"\} 0/);
    const bad = await fetch(url.replace('/metrics', '/other'));
    assert.is(bad.status, 404);
    assert.is(((await bad.json()) as { code: string }).code, 'NOT_FOUND');
  } finally {
    await e.close();
  }
  assert.equal(JSON.parse(readFileSync(join(dir, 'targets', 'chaos-runner.json'), 'utf8')), [], 'withdrawn: no target left');
  rmSync(dir, { recursive: true, force: true });
});

test.run();
