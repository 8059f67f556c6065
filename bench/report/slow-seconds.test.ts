import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SeriesRow } from '../series.ts';
import { formatSlowSeconds, slowSeconds } from './slow-seconds.ts';

const row = (second: number, p99: number | null): SeriesRow => ({ second, sent: 1, ok: p99 === null ? 0 : 1, errors: 0, latencyMsP50: p99, latencyMsP99: p99 });

test('the worst seconds by p99, listed in time order, skipping seconds without ok requests', () => {
  const rows = Array.from({ length: 30 }, (_, s) => row(s, s % 10 === 3 ? 300 + s : s === 7 ? null : 5));
  assert.equal(slowSeconds(rows, 3).map((r) => r.second), [3, 13, 23]);
  assert.is(formatSlowSeconds(rows, 2), '  slowest s  13: p99 313.0 ms, 23: p99 323.0 ms');
  assert.is(formatSlowSeconds(rows.slice(0, 9)), null);
});

test.run();
