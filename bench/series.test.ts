import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SecondSeries } from './series.ts';

test('counts and percentiles belong to the second a request started in', () => {
  const s = new SecondSeries();
  for (let i = 0; i < 100; i++) s.started(0);
  for (let i = 0; i < 100; i++) s.started(2);
  s.closeBefore(3);
  // Second 0: 98 fast ok, one slow ok, one error. It finishes late, which must not move it.
  for (let i = 0; i < 98; i++) s.finished(0, true, 2);
  s.finished(0, true, 900);
  s.finished(0, false, 10);
  for (let i = 0; i < 100; i++) s.finished(2, true, 5 + i / 10);
  const rows = s.rows();
  assert.is(rows.length, 3);
  assert.equal(rows.map((r) => [r.second, r.sent, r.ok, r.errors]), [[0, 100, 99, 1], [1, 0, 0, 0], [2, 100, 100, 0]]);
  assert.ok(Math.abs(rows[0]!.latencyMsP50! - 2) < 0.01);
  assert.ok(rows[0]!.latencyMsP99! >= 899, `p99 ${rows[0]!.latencyMsP99}`);
  assert.is(rows[1]!.latencyMsP50, null, 'an empty second is a zero row, not a missing one');
  assert.ok(rows[2]!.latencyMsP99! > 14 && rows[2]!.latencyMsP99! < 15.1);
});

test('an open second reports what is known so far', () => {
  const s = new SecondSeries();
  s.started(0);
  s.started(0);
  s.finished(0, true, 7);
  assert.equal(s.rows().map((r) => [r.sent, r.ok, r.errors]), [[2, 1, 0]]);
  s.finished(0, true, 9);
  assert.equal(s.rows().map((r) => [r.sent, r.ok, r.errors]), [[2, 2, 0]]);
});

test('finishing more than started is a bug and throws', () => {
  const s = new SecondSeries();
  s.started(1);
  s.finished(1, true, 1);
  assert.throws(() => s.finished(1, true, 1), /no outstanding/);
  assert.throws(() => s.started(-1), /bad second/);
});

test.run();
