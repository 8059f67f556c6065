// Process numbers as Jepsen hands them out: reuse after ok/fail, never after info.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pairOperations } from '../../reports/run-files/history-file.ts';
import { HistoryRecorder } from './history-recorder.ts';
import { RunClock } from './run-clock.ts';

test('a process is reused after ok or fail but retired after info, and the history pairs', () => {
  const h = new HistoryRecorder(new RunClock());
  const a = h.invoke('append', '0');
  const b = h.invoke('append', '1');
  assert.is.not(a, b);
  h.complete(a, 'ok', [1, 'node1']);
  assert.is(h.invoke('append', '2'), a, 'ok frees the process');
  h.complete(b, 'info', 'TimeoutError');
  const c = h.invoke('append', '3');
  assert.is.not(c, b, 'info retires the process');
  assert.is.not(c, a);
  h.complete(a, 'fail', 'BAD_REQUEST');
  h.complete(c, 'ok', [2, 'node1']);
  const ops = pairOperations(h.events);
  assert.equal(ops.map((o) => o.outcome), ['ok', 'info', 'fail', 'ok']);
  assert.ok(h.events.every((e, i) => e.index === i && (i === 0 || e.timeNs >= h.events[i - 1]!.timeNs)));
});

test('completing a process without an open call is a bug, not a history', () => {
  const h = new HistoryRecorder(new RunClock());
  assert.throws(() => h.complete(7, 'ok', null), /without an open call/);
});

test.run();
