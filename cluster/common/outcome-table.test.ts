// Pins the error-code -> write-outcome table that the node, the gateway and the chaos history share.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isLeadershipAnswer, nodeErrorTable, refusedBeforeLog } from './outcome-table.ts';

test('the table: each code with its status, outcome and whether it is a leadership answer', () => {
  const rows = Object.entries(nodeErrorTable).map(([code, r]) => `${code} ${r.status} ${r.outcome}${r.leadership ? ' leadership' : ''}`).sort();
  assert.equal(rows, [
    'BAD_MESSAGE 400 not-applied',
    'BAD_REQUEST 400 not-applied',
    'LEADERSHIP_LOST 503 unknown leadership',
    'NOT_FOUND 404 not-applied',
    'NOT_LEADER 421 not-applied leadership',
    'PAYLOAD_TOO_LARGE 413 not-applied',
    'PROPOSAL_DROPPED 503 not-applied leadership',
    'SHUTTING_DOWN 503 unknown',
    'TIMEOUT 504 unknown',
    'TRANSFER_IN_PROGRESS 503 not-applied leadership',
  ]);
});

test('refused before the log: 421 and the not-applied 503s; every other 5xx may have been applied', () => {
  assert.ok(refusedBeforeLog(421, undefined));
  assert.ok(refusedBeforeLog(503, 'TRANSFER_IN_PROGRESS'));
  assert.ok(refusedBeforeLog(503, 'PROPOSAL_DROPPED'));
  assert.not.ok(refusedBeforeLog(503, 'LEADERSHIP_LOST'));
  assert.not.ok(refusedBeforeLog(503, 'SHUTTING_DOWN'));
  assert.not.ok(refusedBeforeLog(504, 'TIMEOUT'));
  assert.not.ok(refusedBeforeLog(500, 'PROPOSAL_DROPPED'));
  assert.not.ok(refusedBeforeLog(503, 'toString'));
});

test('leadership answers are 503s only', () => {
  assert.ok(isLeadershipAnswer(503, 'LEADERSHIP_LOST'));
  assert.ok(isLeadershipAnswer(503, 'PROPOSAL_DROPPED'));
  assert.not.ok(isLeadershipAnswer(503, 'SHUTTING_DOWN'));
  assert.not.ok(isLeadershipAnswer(504, 'LEADERSHIP_LOST'));
  assert.not.ok(isLeadershipAnswer(503, null));
});

test.run();
