// KV answers -> history completions: ok only on a definite answer, a cas that did not swap is ok(false).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyRegisterAnswer } from './register-outcome.ts';

test('reads are ok with the value read, nil included', () => {
  assert.equal(classifyRegisterAnswer('read', null, 200, { key: 'k', value: 'v3' }), { type: 'ok', value: 'v3' });
  assert.equal(classifyRegisterAnswer('read', null, 200, { key: 'k', value: null }), { type: 'ok', value: null });
  assert.is(classifyRegisterAnswer('read', null, 200, { key: 'k' }).type, 'info');
});

test('a write is ok with the value it wrote; a cas is ok with whether it swapped', () => {
  assert.equal(classifyRegisterAnswer('write', 'v1', 200, { success: true, value: 'v1', index: 9 }), { type: 'ok', value: 'v1' });
  assert.equal(classifyRegisterAnswer('cas', ['v1', 'v2'], 200, { success: true, value: 'v2' }), { type: 'ok', value: true });
  assert.equal(classifyRegisterAnswer('cas', ['v1', 'v2'], 200, { success: false, value: 'v0' }), { type: 'ok', value: false });
  assert.is(classifyRegisterAnswer('cas', ['v1', 'v2'], 200, {}).type, 'info', 'a 2xx that does not say is unknown');
});

test('failures follow the append rules: 4xx and not-applied fail, the rest is unknown', () => {
  assert.is(classifyRegisterAnswer('write', 'v1', 400, { code: 'BAD_REQUEST' }).type, 'fail');
  assert.is(classifyRegisterAnswer('cas', ['a', 'b'], 503, { code: 'NO_LEADER', outcome: 'not-applied' }).type, 'fail');
  assert.is(classifyRegisterAnswer('cas', ['a', 'b'], 503, { code: 'NO_LEADER', outcome: 'unknown' }).type, 'info');
  assert.is(classifyRegisterAnswer('write', 'v1', 503, { code: 'LEADERSHIP_LOST' }).type, 'info');
  assert.is(classifyRegisterAnswer('read', null, 421, { code: 'NOT_LEADER' }).type, 'fail');
});

test.run();
