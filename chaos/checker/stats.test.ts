import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkStats } from './stats.ts';
import type { HistoryEvent } from '../../reports/run-files/history-ops.ts';

const events = (spec: [number, HistoryEvent['type'], string][]): HistoryEvent[] =>
  spec.map(([process, type, f], index) => ({ process, type, f, value: null, timeNs: index, index }));

test('counts outcomes per f, open calls as info', () => {
  const r = checkStats(events([
    [0, 'invoke', 'read'], [0, 'ok', 'read'], [1, 'invoke', 'write'], [1, 'fail', 'write'],
    [2, 'invoke', 'write'], [2, 'ok', 'write'], [3, 'invoke', 'write'], [0, 'invoke', 'read'], [0, 'info', 'read'],
  ]));
  assert.equal(r.byF.read, { count: 2, ok: 1, fail: 0, info: 1 });
  assert.equal(r.byF.write, { count: 3, ok: 1, fail: 1, info: 1 });
  assert.equal(r.total, { count: 5, ok: 2, fail: 1, info: 2 });
  assert.is(r.valid, true);
});

test('invalid when some f never completed ok', () => {
  const r = checkStats(events([[0, 'invoke', 'read'], [0, 'ok', 'read'], [1, 'invoke', 'cas'], [1, 'fail', 'cas']]));
  assert.is(r.valid, false);
  assert.match(r.reason ?? '', /cas/);
});

test.run();
