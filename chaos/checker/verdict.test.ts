import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { combineResults, combineValidity } from './verdict.ts';
import type { Validity } from './verdict.ts';

test('false beats unknown beats true', () => {
  assert.is(combineValidity([true, 'unknown', false]), false);
  assert.is(combineValidity([true, 'unknown', true]), 'unknown');
  assert.is(combineValidity([true, true]), true);
  assert.is(combineValidity([]), true);
});

test('combination does not depend on order', () => {
  const validity = fc.constantFrom<Validity>(true, false, 'unknown');
  fc.assert(fc.property(fc.array(validity), (vs) => {
    const expected = vs.includes(false) ? false : vs.includes('unknown') ? 'unknown' : true;
    assert.is(combineValidity(vs), expected);
    assert.is(combineValidity([...vs].reverse()), expected);
  }));
});

test('combineResults keys results by checker and rejects duplicates', () => {
  const v = combineResults([{ checker: 'stats', valid: true }, { checker: 'linearizable', valid: 'unknown' }]);
  assert.is(v.valid, 'unknown');
  assert.equal(Object.keys(v.results).sort(), ['linearizable', 'stats']);
  assert.throws(() => combineResults([{ checker: 'a', valid: true }, { checker: 'a', valid: true }]), /two results named a/);
});

test.run();
