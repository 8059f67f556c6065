// The lost-write check finds an acknowledged write missing from one node and ignores unknown outcomes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { HistoryEvent } from '../../reports/run-files/history-ops.ts';
import { pairOperations } from '../../reports/run-files/history-ops.ts';
import { checkLostWrites } from './lost-writes.ts';

const ev = (process: number, type: HistoryEvent['type'], value: HistoryEvent['value'], index: number): HistoryEvent =>
  ({ process, type, f: 'append', value, timeNs: index, index });

// request 0 ok at entry 2; request 1 info; request 2 ok at entry 3
const ops = pairOperations([
  ev(0, 'invoke', '0', 0), ev(1, 'invoke', '1', 1), ev(0, 'ok', [2, 'node1'], 2), ev(1, 'info', 'TimeoutError', 3),
  ev(0, 'invoke', '2', 4), ev(0, 'ok', [3, 'node1'], 5),
]);
const entry = (index: number, requestId: string) => ({ index, clientId: 'c', requestId });

test('valid when every acknowledged write is on every node; applied info writes are counted', () => {
  const logs = ['node1', 'node2'].map((node) => ({ node, commitIndex: 4, snapshotIndex: 0, entries: [entry(2, '0'), entry(3, '2'), entry(4, '1')] }));
  const r = checkLostWrites({ ops, clientId: 'c', logs, compacted: new Map() });
  assert.is(r.valid, true);
  assert.is(r.acknowledged, 2);
  assert.is(r.infoApplied, 1);
});

test('invalid when one node lacks an acknowledged write, naming it', () => {
  const logs = [
    { node: 'node1', commitIndex: 4, snapshotIndex: 0, entries: [entry(2, '0'), entry(3, '2')] },
    { node: 'node2', commitIndex: 4, snapshotIndex: 0, entries: [entry(2, '0')] },
  ];
  const r = checkLostWrites({ ops, clientId: 'c', logs, compacted: new Map() });
  assert.is(r.valid, false);
  assert.is(r.lost, 1);
  assert.match(r.reason!, /request 2, entry 3, missing on node2/);
});

test('a write of another client with the same requestId does not count', () => {
  const logs = [{ node: 'node1', commitIndex: 4, snapshotIndex: 0, entries: [entry(2, '0'), { index: 3, clientId: 'other', requestId: '2' }] }];
  assert.is(checkLostWrites({ ops, clientId: 'c', logs, compacted: new Map() }).valid, false);
});

test('compacted entries are matched through the state machine record', () => {
  const logs = [{ node: 'node1', commitIndex: 4, snapshotIndex: 3, entries: [] }];
  const ok = checkLostWrites({ ops, clientId: 'c', logs, compacted: new Map([[2, { clientId: 'c', requestId: '0' }], [3, { clientId: 'c', requestId: '2' }]]) });
  assert.is(ok.valid, true);
  const bad = checkLostWrites({ ops, clientId: 'c', logs, compacted: new Map([[2, { clientId: 'c', requestId: '0' }], [3, null]]) });
  assert.is(bad.valid, false);
});

test('a node whose commit index is below an acknowledged entry lags: unknown, not lost', () => {
  const logs = [
    { node: 'node1', commitIndex: 4, snapshotIndex: 0, entries: [entry(2, '0'), entry(3, '2')] },
    { node: 'node2', commitIndex: 2, snapshotIndex: 0, entries: [entry(2, '0')] },
  ];
  const r = checkLostWrites({ ops, clientId: 'c', logs, compacted: new Map() });
  assert.is(r.valid, 'unknown');
  assert.match(r.reason!, /not yet committed on node2 \(1, commit index 2\)/);
  // Missing from every node is lost whatever the commit indexes say.
  const none = logs.map((l) => ({ ...l, commitIndex: 1, entries: [] }));
  assert.is(checkLostWrites({ ops, clientId: 'c', logs: none, compacted: new Map() }).valid, false);
});

test('unknown without any log', () => {
  assert.is(checkLostWrites({ ops, clientId: 'c', logs: [], compacted: new Map() }).valid, 'unknown');
});

test.run();
