import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../cluster/common/cli-usage.ts';
import { parseBenchArgs } from './bench-args.ts';
import type { ScenarioArgs } from './bench-args.ts';
import { parseDurationMs, parseFraction, parseRateList, parseRateRps } from './quantities.ts';

function usageError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, UsageError);
    assert.match((err as Error).message, pattern);
    assert.not.match((err as Error).message, /\n/);
    return;
  }
  assert.unreachable('expected a UsageError');
}

const scenario = (...argv: string[]): ScenarioArgs => {
  const a = parseBenchArgs(argv);
  if (a.kind === 'compare') throw new Error('expected a scenario');
  return a;
};

test('durations need a unit and are positive', () => {
  assert.is(parseDurationMs('d', '500ms'), 500);
  assert.is(parseDurationMs('d', '3s'), 3000);
  assert.is(parseDurationMs('d', '1.5m'), 90_000);
  assert.is(parseDurationMs('d', '0s', { allowZero: true }), 0);
  usageError(() => parseDurationMs('d', '0s'), /longer than 0/);
  usageError(() => parseDurationMs('d', '-5s'), /cannot be negative/);
  usageError(() => parseDurationMs('d', '30'), /with a unit/);
  usageError(() => parseDurationMs('d', '3 days'), /with a unit/);
  usageError(() => parseDurationMs('d', '25h'), /at most/);
});

test('rates: <N>rps strictly, lists increasing, fractions as percentages', () => {
  assert.is(parseRateRps('500rps'), 500);
  assert.is(parseRateRps('2.5rps'), 2.5);
  for (const bad of ['abcrps', 'rps', '0rps', '-5rps', '500', '500 rps', '1e3rps']) usageError(() => parseRateRps(bad), /rate/);
  assert.equal(parseRateList('rates', '100,250rps,500'), [100, 250, 500]);
  usageError(() => parseRateList('rates', '500,100'), /increasing/);
  usageError(() => parseRateList('rates', '100,,200'), /positive number/);
  assert.is(parseFraction('t', '10%'), 0.1);
  assert.is(parseFraction('t', '0.05'), 0.05);
  usageError(() => parseFraction('t', '10'), /percentage/);
});

test('a rate scenario takes its defaults and options', () => {
  const a = scenario('500rps');
  assert.is(a.kind, 'rate');
  assert.is(a.name, '500rps');
  assert.is(a.rateRps, 500);
  assert.is(a.durationMs, 60_000);
  assert.is(a.workload, 'write');
  assert.is(a.fsync, 'always');
  assert.is(a.target, null);
  const b = scenario('200rps', '--duration', '3s', '--connections', '8', '--workload', 'kv-mixed', '--target', 'http://127.0.0.1:9999/', '--slo', 'p99<10ms,errors<0.1%');
  assert.is(b.durationMs, 3000);
  assert.is(b.connections, 8);
  assert.is(b.workload, 'kv-mixed');
  assert.is(b.target, 'http://127.0.0.1:9999');
  assert.equal(b.slo.map((r) => r.text), ['p99<10ms', 'errors<0.1%']);
});

test('each scenario refuses options it would ignore, and unknown input', () => {
  usageError(() => parseBenchArgs([]), /which scenario/);
  usageError(() => parseBenchArgs(['fast']), /unknown scenario "fast"/);
  usageError(() => parseBenchArgs(['abcrps']), /malformed rate "abcrps"/);
  usageError(() => parseBenchArgs(['500rps', '--rates', '1,2']), /--rates does not apply to 500rps/);
  usageError(() => parseBenchArgs(['load', '--workload', 'kv-read']), /--workload does not apply to load/);
  usageError(() => parseBenchArgs(['max', '--bogus', '1']), /bogus/);
  usageError(() => parseBenchArgs(['500rps', 'extra']), /unexpected argument "extra"/);
  usageError(() => parseBenchArgs(['500rps', '--duration', '-5s']), /cannot be negative/);
  usageError(() => parseBenchArgs(['soak', '--sample-interval=-1s']), /cannot be negative/);
  usageError(() => parseBenchArgs(['500rps', '--workload', 'scan']), /unknown --workload/);
  usageError(() => parseBenchArgs(['500rps', '--fsync', 'sometimes']), /--fsync/);
  usageError(() => parseBenchArgs(['500rps', '--target', 'localhost:8080']), /--target must be/);
  usageError(() => parseBenchArgs(['500rps', '--target', 'http://h:1/api']), /without path/);
  usageError(() => parseBenchArgs(['500rps', '--slo', 'p99<10ms,']), /empty rule/);
  usageError(() => parseBenchArgs(['compare', 'a']), /two run folders/);
  usageError(() => parseBenchArgs(['compare', 'a', 'b', '--duration', '1s']), /--duration does not apply to compare/);
});

test('compare takes two folders and a threshold', () => {
  assert.equal(parseBenchArgs(['compare', 'x', 'y']), { kind: 'compare', runA: 'x', runB: 'y', threshold: 0.1 });
  assert.equal(parseBenchArgs(['compare', 'x', 'y', '--threshold', '5%']), { kind: 'compare', runA: 'x', runB: 'y', threshold: 0.05 });
  usageError(() => parseBenchArgs(['compare', 'x', 'y', '--threshold', '0%']), /above 0/);
});

test('max, sweep and soak read their own options', () => {
  const m = scenario('max', '--p99-ms', '20', '--max-connections', '64');
  assert.is(m.p99Ms, 20);
  assert.is(m.maxConnections, 64);
  assert.is(m.durationMs, 10_000);
  assert.is(scenario('max').p99Ms, 50);
  const s = scenario('sweep', '--rates', '100,200');
  assert.equal(s.rates, [100, 200]);
  assert.is(s.p99Ms, null, 'a sweep has no latency bound unless given one');
  const k = scenario('soak', '--rate', '50', '--sample-interval', '1s');
  assert.is(k.durationMs, 600_000);
  assert.is(k.rateRps, 50);
  assert.is(k.sampleIntervalMs, 1000);
  assert.is(scenario('load').connections, 10);
});

test('floor runs at --rate (default 500/s) and takes no target or workload: it starts its own path, for writes', () => {
  const f = scenario('floor', '--rate', '200', '--duration', '10s');
  assert.equal([f.kind, f.name, f.rateRps, f.durationMs, f.connections, f.workload], ['floor', 'floor', 200, 10_000, 64, 'write']);
  assert.is(scenario('floor').rateRps, 500);
  usageError(() => parseBenchArgs(['floor', '--target', 'http://127.0.0.1:8080']), /--target does not apply to floor/);
  usageError(() => parseBenchArgs(['floor', '--workload', 'kv-read']), /--workload does not apply to floor/);
  usageError(() => parseBenchArgs(['floor', '--rate', 'fast']), /rate/);
});

test('--alternate names references for <N>rps and max, writes only; --rounds needs it', () => {
  const a = scenario('500rps', '--alternate', 'floor,etcd', '--rounds', '4');
  assert.equal([a.alternate, a.rounds], [['floor', 'etcd'], 4]);
  assert.equal([scenario('500rps').alternate, scenario('500rps', '--alternate', 'etcd').rounds], [[], 3]);
  usageError(() => parseBenchArgs(['500rps', '--alternate', 'floor,redis']), /--alternate takes floor, etcd, insecure, etcd-tls, secure .*"redis"/);
  usageError(() => parseBenchArgs(['500rps', '--alternate', 'floor,floor']), /twice/);
  usageError(() => parseBenchArgs(['500rps', '--alternate', '']), /--alternate takes/);
  usageError(() => parseBenchArgs(['500rps', '--rounds', '2']), /--rounds needs --alternate/);
  usageError(() => parseBenchArgs(['500rps', '--alternate', 'floor', '--rounds', '0']), /rounds/);
  assert.equal(scenario('max', '--alternate', 'etcd', '--rounds', '2').alternate, ['etcd']);
  // What security costs: the cluster beside itself with security off and etcd with mutual TLS.
  assert.equal(scenario('500rps', '--alternate', 'insecure,etcd,etcd-tls').alternate, ['insecure', 'etcd', 'etcd-tls']);
  assert.equal(scenario('max', '--alternate', 'secure,insecure').alternate, ['secure', 'insecure']);
  usageError(() => parseBenchArgs(['sweep', '--alternate', 'floor']), /--alternate does not apply to sweep/);
  usageError(() => parseBenchArgs(['500rps', '--alternate', 'floor', '--workload', 'kv-read']), /writes only/);
  // kv-write is etcd's own operation; the floor has no keys.
  assert.equal(scenario('max', '--alternate', 'etcd', '--workload', 'kv-write').workload, 'kv-write');
  usageError(() => parseBenchArgs(['max', '--alternate', 'etcd,floor', '--workload', 'kv-write']), /cannot alternate with floor/);
});

test('etcd runs at --rate and refuses what it cannot honour: --fsync (etcd always syncs), --target, --workload', () => {
  const e = scenario('etcd', '--rate', '300');
  assert.equal([e.kind, e.name, e.rateRps, e.durationMs], ['etcd', 'etcd', 300, 60_000]);
  usageError(() => parseBenchArgs(['etcd', '--fsync', 'never']), /--fsync does not apply to etcd/);
  usageError(() => parseBenchArgs(['etcd', '--target', 'http://127.0.0.1:2379']), /--target does not apply to etcd/);
  usageError(() => parseBenchArgs(['etcd', '--workload', 'kv-read']), /--workload does not apply to etcd/);
});

test.run();
