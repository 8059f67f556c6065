import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../cluster/common/cli-usage.ts';
import type { RunSummary } from './run-summary.ts';
import { evaluateSlo, parseSlo } from './slo.ts';

const lat = (p99: number) => ({ count: 1000, p50: 2, p90: 5, p99, p999: p99 * 2, max: p99 * 3 });

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    mode: 'open-loop', requests: 1000, ok: 999, okPerSec: 499.5, errors: 1, errorRate: 0.001,
    errorsByKind: { http_503: 1 }, errorSamples: {}, targetRateRps: 500, connections: 64, elapsedMs: 2000,
    latencyMs: { corrected: lat(12), raw: lat(4) },
    generator: { cpuPercent: 20, lagMs: { p50: 0.1, p99: 0.5, max: 1 }, eventLoopDelayMsP99: 1, bottleneck: false, warnings: [] },
    ...over,
  };
}

test('parses latency with units, error shares and counts, throughput', () => {
  const rules = parseSlo('p99<10ms, raw.p999<=20ms,max<1s,p50<500us,errors<0.1%,errors<=3,okPerSec>=450');
  assert.equal(rules.map((r) => r.kind), ['latency', 'latency', 'latency', 'latency', 'errorRate', 'errorCount', 'okPerSec']);
  assert.equal(rules[0], { text: 'p99<10ms', kind: 'latency', raw: false, key: 'p99', op: '<', limitMs: 10 });
  assert.equal(rules[1], { text: 'raw.p999<=20ms', kind: 'latency', raw: true, key: 'p999', op: '<=', limitMs: 20 });
  assert.is((rules[2] as { limitMs: number }).limitMs, 1000);
  assert.is((rules[3] as { limitMs: number }).limitMs, 0.5);
  assert.is((rules[4] as { limit: number }).limit, 0.001);
});

test('refuses anything outside the grammar, naming the rule', () => {
  for (const bad of ['p99<10', 'p99<10%', 'p98<10ms', 'p99=10ms', 'p99 < ten ms', 'errors<0.5', 'errors<1ms', 'okPerSec>1ms',
    'raw.errors<1%', 'latency<10ms', 'p99<-1ms', '']) {
    assert.throws(() => parseSlo(bad), (e: unknown) => e instanceof UsageError && (e.message.includes(`"${bad}"`) || e.message.includes('empty')), bad);
  }
});

test('latency rules read corrected latency when the run has it, raw otherwise or when asked', () => {
  const [p99, rawP99] = evaluateSlo(parseSlo('p99<10ms,raw.p99<10ms'), summary());
  assert.equal([p99!.passed, p99!.actual], [false, 12]);
  assert.equal([rawP99!.passed, rawP99!.actual], [true, 4]);
  const closed = summary({ mode: 'closed-loop', latencyMs: { corrected: null, raw: lat(4) } });
  assert.ok(evaluateSlo(parseSlo('p99<10ms'), closed)[0]!.passed);
});

test('error and throughput rules, at their boundaries', () => {
  const verdicts = evaluateSlo(parseSlo('errors<0.1%,errors<=0.1%,errors<1,errors<=1,okPerSec>=499.5,okPerSec>499.5'), summary());
  assert.equal(verdicts.map((v) => v.passed), [false, true, false, true, true, false]);
});

test.run();
