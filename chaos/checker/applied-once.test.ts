// The at-most-once checks: a call applied twice, and a failed call that took effect, are caught
// from the committed logs; exactly-once duplicates (same request id) are not false alarms.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkAppliedOnce, duplicateIndexes } from './applied-once.ts';
import { checkFailedNotApplied } from './failed-not-applied.ts';
import { pairOperations, type HistoryEvent } from '../../reports/run-files/history-ops.ts';
import type { StoredLog } from './run-checks.ts';

const append = (index: number, requestId: string, slot: number, client = 'c') =>
  ({ index, term: 1, kind: 'command', command: { op: 'append', clientId: client, requestId, source: 'chaos', data: { client, slot, nonce: 'x' } } });
const put = (index: number, requestId: string, key: string, value: string) =>
  ({ index, term: 1, kind: 'command', command: { op: 'put', clientId: 'c', requestId, key, value } });
const log = (node: string, entries: StoredLog['entries']): StoredLog => ({ node, commitIndex: entries.at(-1)?.index ?? 0, snapshotIndex: 0, entries });

test('a retry with the same request id is a duplicate the state machine skips: valid', () => {
  const logs = [log('node1', [append(1, '0', 0), append(2, '1', 1), append(3, '0', 0)])];
  const r = checkAppliedOnce({ clientId: 'c', logs });
  assert.is(r.valid, true);
  assert.equal(duplicateIndexes(logs[0]!, 'c'), [3]);
});

test('one slot applied under two request ids (a gateway retry with a fresh id) is invalid', () => {
  const logs = [log('node1', [append(1, '0', 0), append(2, 'gw-7', 0)]), log('node2', [append(1, '0', 0)])];
  const r = checkAppliedOnce({ clientId: 'c', logs });
  assert.is(r.valid, false);
  assert.match(r.reason!, /append:0 applied 2 times on node1 \(indexes 1, 2\)/);
});

test('a register value written twice under two request ids is invalid; other clients are ignored', () => {
  const twice = [log('node1', [put(1, 'reg-1', 'k', 'v1'), put(2, 'reg-9', 'k', 'v1')])];
  assert.is(checkAppliedOnce({ clientId: 'c', logs: twice }).valid, false);
  const other = [log('node1', [append(1, '0', 0, 'other'), append(2, '5', 0, 'other')])];
  assert.is(checkAppliedOnce({ clientId: 'c', logs: other }).valid, true);
});

test('a state machine record at a duplicate index is invalid (exactly-once table ignored)', () => {
  const logs = [log('node1', [append(1, '0', 0), append(2, '0', 0)])];
  assert.is(checkAppliedOnce({ clientId: 'c', logs, probes: [{ node: 'node1', index: 2, recorded: false }] }).valid, true);
  const r = checkAppliedOnce({ clientId: 'c', logs, probes: [{ node: 'node1', index: 2, recorded: true }] });
  assert.is(r.valid, false);
  assert.match(r.reason!, /node1's state machine applied the duplicate at index 2/);
});

const ev = (process: number, type: HistoryEvent['type'], f: string, value: HistoryEvent['value'], index: number, key?: string): HistoryEvent =>
  ({ process, type, f, value, timeNs: index, index, ...(key ? { key } : {}) });

test('a failed append or write found in a committed log is invalid; one that is absent is valid', () => {
  const ops = pairOperations([
    ev(0, 'invoke', 'append', '0', 0), ev(0, 'fail', 'append', 'NO_LEADER:not-applied', 1),
    ev(1, 'invoke', 'write', 'v3', 2, 'k'), ev(1, 'fail', 'write', 'PROPOSAL_DROPPED', 3, 'k'),
  ]);
  const clean = [log('node1', [append(1, '1', 1)])];
  assert.is(checkFailedNotApplied({ ops, clientId: 'c', logs: clean }).valid, true);
  const broken = [log('node1', [append(1, '0', 0), put(2, 'reg-3', 'k', 'v3')])];
  const r = checkFailedNotApplied({ ops, clientId: 'c', logs: broken });
  assert.is(r.valid, false);
  assert.is(r.applied, 2);
  assert.match(r.reason!, /append "0" \(process 0\) failed but is committed at index 1 on node1/);
});

test.run();
