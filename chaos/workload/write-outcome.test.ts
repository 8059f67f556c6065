// How gateway answers become history completions: ok only on 2xx, fail only when certainly not applied.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyAnswer, classifyError } from './write-outcome.ts';

test('2xx with an entry id is ok, carrying [entryId, node]', () => {
  assert.equal(classifyAnswer(200, { success: true, entryId: 17, leader: 'node2' }), { type: 'ok', value: [17, 'node2'] });
});

test('2xx without an entry id is not trusted as ok', () => {
  assert.is(classifyAnswer(200, { success: true }).type, 'info');
});

test('4xx answers are definite failures', () => {
  assert.equal(classifyAnswer(400, { code: 'BAD_REQUEST' }), { type: 'fail', value: 'BAD_REQUEST' });
  assert.is(classifyAnswer(413, null).type, 'fail');
  assert.is(classifyAnswer(421, { code: 'NOT_LEADER' }).type, 'fail');
});

test('NO_LEADER is fail only when the gateway says no attempt can have been applied', () => {
  assert.is(classifyAnswer(503, { code: 'NO_LEADER', outcome: 'not-applied' }).type, 'fail');
  assert.is(classifyAnswer(503, { code: 'NO_LEADER', outcome: 'unknown' }).type, 'info');
  assert.is(classifyAnswer(503, { code: 'NO_LEADER' }).type, 'info');
});

test('node refusals before the log took the write are fail; other 5xx are unknown', () => {
  assert.is(classifyAnswer(503, { code: 'PROPOSAL_DROPPED' }).type, 'fail');
  assert.is(classifyAnswer(503, { code: 'TRANSFER_IN_PROGRESS' }).type, 'fail');
  assert.is(classifyAnswer(503, { code: 'LEADERSHIP_LOST' }).type, 'info');
  assert.is(classifyAnswer(504, { code: 'TIMEOUT' }).type, 'info');
  assert.is(classifyAnswer(500, 'not json').type, 'info');
});

test('a refused connection is fail (never sent); timeouts and resets are info', () => {
  assert.is(classifyError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).type, 'fail');
  assert.is(classifyError(new Error('x', { cause: { code: 'ECONNREFUSED' } })).type, 'fail');
  assert.is(classifyError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).type, 'info');
  assert.is(classifyError(new DOMException('timed out', 'TimeoutError')).type, 'info');
  assert.is(classifyError(Object.assign(new Error('headers'), { code: 'UND_ERR_HEADERS_TIMEOUT' })).type, 'info');
});

test.run();
