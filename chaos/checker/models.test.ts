import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { casRegister } from './cas-register.ts';
import { kv } from './kv.ts';
import { UNKNOWN_OUTPUT, partitionByKey } from './model.ts';
import type { Operation } from '../../reports/run-files/history-ops.ts';

test('cas-register: read must see the state, write sets it, cas only from the expected value', () => {
  assert.equal(casRegister.step(null, { f: 'read', value: null }, null), [true, null]);
  assert.equal(casRegister.step(3, { f: 'read', value: null }, 4), [false, 3]);
  assert.equal(casRegister.step(3, { f: 'read', value: null }, UNKNOWN_OUTPUT), [true, 3]);
  assert.equal(casRegister.step(3, { f: 'write', value: 5 }, 5), [true, 5]);
  assert.equal(casRegister.step(3, { f: 'cas', value: [3, 1] }, [3, 1]), [true, 1]);
  assert.equal(casRegister.step(2, { f: 'cas', value: [3, 1] }, UNKNOWN_OUTPUT), [false, 2]);
  assert.is(casRegister.validate({ f: 'cas', value: 3 }, null), 'cas value must be [expected, new]');
  assert.match(casRegister.validate({ f: 'cas', value: [1, 2] }, 'x') ?? '', /cas result must be/);
  assert.match(casRegister.validate({ f: 'incr', value: 1 }, null) ?? '', /no function incr/);
});

test('cas-register: a cas answered "did not swap" is an ok op that saw another value', () => {
  assert.equal(casRegister.step('a', { f: 'cas', value: ['b', 'c'] }, false), [true, 'a'], 'value differed: legal, no change');
  assert.equal(casRegister.step('b', { f: 'cas', value: ['b', 'c'] }, false), [false, 'b'], 'value was expected: it would have swapped');
  assert.equal(casRegister.step(null, { f: 'cas', value: [null, 'c'] }, false), [false, null], 'nil is a value to compare too');
  assert.equal(casRegister.step('b', { f: 'cas', value: ['b', 'c'] }, true), [true, 'c']);
  assert.equal(casRegister.step('a', { f: 'cas', value: ['b', 'c'] }, true), [false, 'a']);
  assert.is(casRegister.validate({ f: 'cas', value: ['b', 'c'] }, false), null);
});

test('cas-register: equal states hash equally, including structured values', () => {
  assert.ok(casRegister.equal([1, 'a'], [1, 'a']));
  assert.is(casRegister.hash([1, 'a']), casRegister.hash([1, 'a']));
  assert.not.ok(casRegister.equal(1, '1'));
});

test('kv: append concatenates, nil reads as the empty string', () => {
  assert.equal(kv.step('', { f: 'get', value: null }, null), [true, '']);
  assert.equal(kv.step('ab', { f: 'append', value: 'c' }, 'c'), [true, 'abc']);
  assert.equal(kv.step('abc', { f: 'put', value: 'x' }, 'x'), [true, 'x']);
  assert.equal(kv.step('abc', { f: 'get', value: null }, 'ab'), [false, 'abc']);
  assert.match(kv.validate({ f: 'put', value: 3 }, null) ?? '', /must be a string/);
});

test('partitionByKey keeps per-key order and puts keyless ops together', () => {
  const op = (id: number, key?: string): Operation => {
    const o: Operation = { id, process: id, f: 'get', input: null, output: '', outcome: 'ok', callNs: id, returnNs: id + 1, invokeIndex: id, completeIndex: id };
    if (key !== undefined) o.key = key;
    return o;
  };
  const parts = partitionByKey([op(0, 'a'), op(1, 'b'), op(2, 'a'), op(3)]);
  assert.equal(parts.map((p) => [p.key, p.ops.map((o) => o.id)]), [['a', [0, 2]], ['b', [1]], [null, [3]]]);
});

test('kv: the incremental hash of a step equals the hash of its result, and isStepResult recognises it', () => {
  const state = 'x 1 2 yx 3 4 y';
  const stateHash = kv.hash(state) | 0;
  for (const input of [{ f: 'append', value: 'x 9 9 y' }, { f: 'put', value: 'x 9 9 y' }]) {
    const [, next] = kv.step(state, input, input.value);
    assert.is(kv.hashAfterStep!(state, stateHash, input) >>> 0, kv.hash(next) >>> 0, input.f);
    assert.ok(kv.isStepResult!(next, state, input));
    assert.not.ok(kv.isStepResult!(`${next}x`, state, input));
  }
  assert.not.ok(kv.isStepResult!('x 9 9 yx 1 2 yx 3 4 y'.slice(0, 21), state, { f: 'append', value: 'x 9 9 y' }));
});

test.run();
