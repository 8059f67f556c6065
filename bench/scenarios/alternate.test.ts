import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLatencyHistogram, recordMs } from '../../cluster/common/histograms.ts';
import type { LoadResult } from '../load-result.ts';
import { summarize } from '../report/run-summary.ts';
import { formatAlternation, medianClusterRound, medianFigures, mergeClusterRounds } from './alternate.ts';
import type { ArmFigures, ClusterRound } from './alternate.ts';

const fakeResult: LoadResult = {
  mode: 'open-loop', latencyBasis: 'intended-send-time', target: 'http://127.0.0.1:1', startedAtEpochMs: 0, elapsedMs: 1000, durationMs: 1000,
  sendWindowMs: 1000, targetRateRps: 100, connections: 1, scheduled: 100, sent: 100, ok: 100, errors: {}, errorSamples: {},
  corrected: createLatencyHistogram(), raw: createLatencyHistogram(), series: [],
  health: { wallMs: 1000, cpuPercent: 1, scheduleLag: { p50Ms: 0, p99Ms: 0, maxMs: 0, count: 100 }, eventLoopDelay: { p50Ms: 0, p99Ms: 0, maxMs: 0 }, bottleneck: false, warnings: [] },
  aborted: false,
};

const f = (p99: number, okPerSec = 500): ArmFigures => ({ okPerSec, errors: 0, p50: p99 / 4, p90: p99 / 2, p99, p999: p99 * 2, max: p99 * 3 });

test('medians are per figure over rounds: the middle one, or the mean of the middle two', () => {
  assert.is(medianFigures([f(30), f(10), f(20)]).p99, 20);
  assert.is(medianFigures([f(40), f(10), f(20), f(30)]).p99, 25);
  // Per figure, not the round with the median p99: one slow round's max does not carry over.
  const m = medianFigures([f(10, 480), f(20, 500), { ...f(30, 490), max: 1000 }]);
  assert.equal([m.okPerSec, m.max], [490, 60]);
});

test('the table names each arm and gives the cluster over each reference', () => {
  const lines = formatAlternation({ cluster: f(16), floor: f(4) }, 3);
  assert.match(lines[0]!, /medians over 3 alternated rounds/);
  assert.match(lines[1]!, /^ {2}cluster +p50 4\.00 +p90 8\.00 +p99 16\.0 +p99\.9 32\.0/);
  assert.is(lines.at(-1), '  cluster / floor: p50 4.00x, p99 4.00x, p99.9 4.00x, ok/s 1.00x');
});

test('with etcd and etcd-tls both run, the table adds what TLS costs etcd', () => {
  const lines = formatAlternation({ cluster: f(16), insecure: f(8), etcd: f(4, 1000), 'etcd-tls': f(6, 800) }, 3);
  assert.ok(lines.includes('  cluster / insecure: p50 2.00x, p99 2.00x, p99.9 2.00x, ok/s 1.00x'));
  assert.is(lines.at(-1), '  etcd-tls / etcd: p50 1.50x, p99 1.50x, p99.9 1.50x, ok/s 0.80x');
});

test('alternated headlines: fixed rate merges every cluster round, a search takes the median round', () => {
  const round = (okPerSec: number, name: string, p99: number): ClusterRound => {
    const h = createLatencyHistogram();
    for (let i = 0; i < 100; i++) recordMs(h, i === 99 ? p99 : 1);
    const result = { ...fakeResult, raw: h, corrected: h, ok: 100 };
    const summary = { ...summarize([result]), okPerSec };
    return { outcome: { summary, details: { steps: [name], headlineStep: name } }, steps: [{ name, result, summary }, { name: `${name}-warmup`, result, summary }] };
  };
  const rounds = [round(300, 'r1-cluster-load', 50), round(100, 'r2-cluster-load', 5), round(200, 'r3-cluster-load', 9)];
  const merged = mergeClusterRounds(rounds);
  assert.equal(merged.steps, ['r1-cluster-load', 'r2-cluster-load', 'r3-cluster-load'], 'warm-ups left out');
  assert.is(merged.summary.ok, 300);
  const median = medianClusterRound(rounds);
  assert.equal([median.summary.okPerSec, median.steps], [200, ['r3-cluster-load']]);
  assert.is(medianClusterRound(rounds.slice(0, 2)).summary.okPerSec, 100, 'the lower middle of an even count');
});

test.run();
