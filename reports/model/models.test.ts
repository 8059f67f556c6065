// The pure parts of the reports: percentile curve on the HdrHistogram axis, phases of a chaos
// run, the per-second series computed from a history, histogram bins, the runs-index dates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLatencyHistogram, recordMs } from '../../cluster/common/histograms.ts';
import { pairOperations, type HistoryEvent } from '../run-files/history-file.ts';
import { binEdges } from './chaos-model.ts';
import { secondSeries } from './history-series.ts';
import { curveOnGrid, percentileGrid } from './percentile-curve.ts';
import { phaseTable } from './phases.ts';
import { dateFromId } from './run-list.ts';
import { configRows } from './shared-views.ts';

test('percentile curve: x = 1/(1-p) from 1, ends with the max where the data runs out', () => {
  const h = createLatencyHistogram();
  for (let i = 1; i <= 100; i++) recordMs(h, i);
  const grid = percentileGrid(h.totalCount);
  assert.is(grid[0], 1);
  assert.ok(grid.at(-1)! >= 100 && grid.at(-2)! < 100);
  const y = curveOnGrid(h, grid);
  assert.ok(Math.abs(y[5]! - 50) <= 0.1, `p50 at x=2: ${y[5]}`);
  assert.ok(Math.abs(y.at(-1)! - 100) <= 0.1, `max ${y.at(-1)}`);
  for (let i = 1; i < y.length; i++) assert.ok(y[i]! >= y[i - 1]!, 'non-decreasing');
  // A smaller histogram on a wider grid stops (null) after its max.
  const small = createLatencyHistogram();
  recordMs(small, 5); recordMs(small, 7);
  const ys = curveOnGrid(small, grid);
  const lastValue = ys.findLastIndex((v) => v !== null);
  assert.ok(Math.abs(ys[lastValue]! - 7) < 0.01);
  assert.ok(lastValue < ys.length - 1 && ys.slice(lastValue + 1).every((v) => v === null));
});

test('phases: each op in exactly one phase by its call time', () => {
  const windows = [{ fromS: 10, toS: 12, label: 'kill' }, { fromS: 20, toS: 21, label: 'kill' }];
  const ops = [5, 9.99, 10, 11, 12, 13, 19, 20.5, 25].map((callS, i) => ({ callS, ok: i !== 3, latencyMs: callS }));
  const rows = phaseTable(ops, windows);
  assert.equal(rows.map((r) => [r.phase, r.calls, r.ok]), [['before the fault', 2, 2], ['during the fault', 4, 3], ['after heal', 3, 3]]);
  assert.is(rows[1]!.latencyMs!.max, 20.5);
});

test('second series from a history: ok by completion second, errors by kind, open calls counted', () => {
  const s = 1e9;
  const ev = (process: number, type: HistoryEvent['type'], value: HistoryEvent['value'], t: number): HistoryEvent => ({ process, type, f: 'append', value, timeNs: t, index: 0 });
  const events = [
    ev(0, 'invoke', '1', 0.1 * s), ev(0, 'ok', [1, 'n1'], 0.2 * s),
    ev(1, 'invoke', '2', 0.5 * s), ev(1, 'ok', [2, 'n1'], 1.4 * s),
    ev(0, 'invoke', '3', 1.5 * s), ev(0, 'info', 'TIMEOUT', 2.5 * s),
    ev(2, 'invoke', '4', 2.6 * s), ev(2, 'fail', 'NOT_LEADER', 2.7 * s),
    ev(3, 'invoke', '5', 2.8 * s),
  ].map((e, index) => ({ ...e, index }));
  const ops = pairOperations(events).map((op) => ({ op, reason: op.completeIndex === null ? null : events[op.completeIndex]!.value, completedNs: op.completeIndex === null ? null : events[op.completeIndex]!.timeNs }));
  const series = secondSeries(ops);
  assert.equal(series.second, [0, 1, 2]);
  assert.equal(series.okPerSec, [1, 1, 0]);
  assert.equal(series.errorsByKind, { 'info TIMEOUT': [0, 0, 1], 'fail NOT_LEADER': [0, 0, 1], 'info still open at the end': [0, 0, 1] });
  assert.ok(Math.abs(series.latencyMsP99[0]! - 900) < 1, `second 0 holds the slowest call: ${series.latencyMsP99[0]}`);
  assert.is(series.latencyMsP50[2], null);
});

test('bins cover every value with a round width', () => {
  const b = binEdges([211, 235, 308, 333]);
  assert.is(b.width, 50);
  assert.equal(b.count([211, 235, 308]), [0, 0, 0, 0, 2, 0, 1]);
});

test('run folder names of both CLIs give their start time', () => {
  assert.is(dateFromId('2026-11-27T09-13-39-712Z-leader-kill'), '2026-11-27T09:13:39.712Z');
  assert.is(dateFromId('20261127T091125Z-bench-300rps'), '2026-11-27T09:11:25.000Z');
  assert.is(dateFromId('something-else'), null);
});

test('config rows say the snapshot rule a run used; runs stored before the ratio existed show the entry count alone', () => {
  const rule = (raft: { snapshotEntries: number; snapshotLogRatio?: number }) => new Map(configRows([], {}, { raft }, undefined, undefined, undefined)).get('snapshots');
  assert.is(rule({ snapshotEntries: 10_000, snapshotLogRatio: 1 }), 'every 10000 entries, once the log since the last is 1× its size');
  assert.is(rule({ snapshotEntries: 500, snapshotLogRatio: 0 }), 'every 500 entries');
  assert.is(rule({ snapshotEntries: 10_000 }), 'every 10000 entries');
});

test.run();
