// The two per-trial measurements, as defined in trial-measures.ts, on hand-made events and histories.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Operation } from '../../reports/run-files/history-file.ts';
import type { NodeEvent } from './node-event-poller.ts';
import { firstElectionAfter, firstOkCompletionAfter } from './trial-measures.ts';

const ev = (node: string, ts: number, kind: string, term: number): NodeEvent => ({ node, seq: ts, ts, kind, term });

test('election: the first elected event after the fault in a higher term', () => {
  const events = [ev('node1', 900, 'elected', 3), ev('node2', 1100, 'election-start', 4), ev('node3', 1300, 'elected', 5), ev('node2', 1250, 'elected', 4)];
  assert.equal(firstElectionAfter(events, 1000, 3), { node: 'node2', term: 4, atMs: 1250 });
  // An election in the term the fault hit (or before the fault) is not the new leader's.
  assert.is(firstElectionAfter([ev('node1', 1200, 'elected', 3)], 1000, 3), null);
  assert.is(firstElectionAfter(events, 1000, 3, 1200), null, 'bounded by untilMs');
});

const op = (callMs: number, returnMs: number, outcome: Operation['outcome']): Operation => ({
  id: 0, process: 0, f: 'append', input: 'x', output: outcome === 'ok' ? [1, 'node1'] : undefined, outcome,
  callNs: callMs * 1e6, returnNs: outcome === 'info' ? Infinity : returnMs * 1e6, invokeIndex: 0, completeIndex: 1,
});
const epoch = (ns: number) => ns / 1e6;

test('unavailability: earliest completion of an ok invoked at or after the fault', () => {
  const ops = [
    op(990, 1005, 'ok'), // invoked before the fault: would read as 5 ms, must not count
    op(1010, 1400, 'fail'),
    op(1020, 1380, 'ok'),
    op(1040, 1350, 'ok'), // invoked later, but done first
    op(1050, Infinity, 'info'),
  ];
  assert.is(firstOkCompletionAfter(ops, 1000, epoch), 1350);
  assert.is(firstOkCompletionAfter(ops.slice(0, 2), 1000, epoch), null);
});

test.run();
