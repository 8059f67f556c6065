// Real-time order of appends on hand-made operations.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkAppendOrder } from './append-order.ts';
import type { Operation } from '../../reports/run-files/history-ops.ts';

let nextId = 0;
const op = (requestId: string, callNs: number, returnNs: number, outcome: Operation['outcome'], index?: number): Operation => ({
  id: nextId++, process: nextId, f: 'append', input: requestId, outcome,
  output: outcome === 'ok' ? [index!, 'node1'] : undefined,
  callNs, returnNs: outcome === 'info' ? Infinity : returnNs, invokeIndex: 0, completeIndex: null,
});

test('concurrent appends may take any order; sequential ones must keep theirs', () => {
  const ops = [op('a', 0, 10, 'ok', 2), op('b', 5, 12, 'ok', 1), op('c', 20, 30, 'ok', 3), op('d', 31, 40, 'ok', 4)];
  const r = checkAppendOrder({ ops });
  assert.is(r.valid, true);
  assert.is(r.ordered, 4);
});

test('an append ordered before one that completed before it was invoked is invalid', () => {
  const ops = [op('a', 0, 10, 'ok', 5), op('b', 11, 20, 'ok', 4)];
  const r = checkAppendOrder({ ops });
  assert.is(r.valid, false);
  assert.match(r.reason ?? '', /request a at index 5 completed before request b was invoked, which got index 4/);
  assert.is(r.violations, 1);
});

test('the same index for two sequential appends is invalid too', () => {
  assert.is(checkAppendOrder({ ops: [op('a', 0, 10, 'ok', 3), op('b', 11, 20, 'ok', 3)] }).valid, false);
});

test('an info append that took effect is placed by its committed index; unplaced info is ignored', () => {
  const ops = [op('a', 0, 10, 'ok', 5), op('b', 11, 0, 'info'), op('c', 12, 0, 'info'), op('d', 0, 5, 'fail')];
  assert.is(checkAppendOrder({ ops, committedIndexOf: new Map([['b', 6]]) }).valid, true);
  const bad = checkAppendOrder({ ops, committedIndexOf: new Map([['b', 4]]) });
  assert.is(bad.valid, false);
  assert.is(bad.infoPlaced, 1);
  assert.is((bad.counterexample as { later: { outcome: string } }[])[0]!.later.outcome, 'info');
});

test('register ops are not appends', () => {
  const reg: Operation = { ...op('x', 0, 1, 'ok', 1), f: 'write', input: 'v1', output: 'v1' };
  assert.is(checkAppendOrder({ ops: [reg] }).ordered, 0);
});

test.run();
