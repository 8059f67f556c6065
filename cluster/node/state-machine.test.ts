import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Entry } from '../raft/messages.ts';
import { StateMachine, type Command } from './state-machine.ts';

const entry = (index: number, command: Command): Entry => ({ index, term: 1, kind: 'command', data: StateMachine.encode(command) });

test('exactly-once: a duplicate (clientId, requestId) is not applied again and gets the first result', () => {
  const sm = new StateMachine();
  const first = sm.apply(entry(1, { op: 'append', data: 'a', source: 't', clientId: 'c', requestId: 'r' }));
  const again = sm.apply(entry(2, { op: 'append', data: 'a', source: 't', clientId: 'c', requestId: 'r' }));
  assert.equal(first.result, { op: 'append', entryId: 1 });
  assert.equal(again.result, { op: 'append', entryId: 1 });
  assert.is(again.duplicate, true);
  assert.is(sm.record(2), null);
  assert.is(sm.recordCount(), 1);
});

test('cas swaps only on the expected value', () => {
  const sm = new StateMachine();
  sm.apply(entry(1, { op: 'put', key: 'k', value: 'v1' }));
  assert.equal(sm.apply(entry(2, { op: 'cas', key: 'k', expect: 'x', value: 'v2' })).result, { op: 'cas', success: false, value: 'v1' });
  assert.equal(sm.apply(entry(3, { op: 'cas', key: 'k', expect: 'v1', value: 'v2' })).result, { op: 'cas', success: true, value: 'v2' });
  assert.equal(sm.apply(entry(4, { op: 'cas', key: 'new', expect: null, value: 'n' })).result, { op: 'cas', success: true, value: 'n' });
});

test('a chunked snapshot is the state when its first chunk was taken, whatever is applied meanwhile', () => {
  const sm = new StateMachine();
  for (let i = 1; i <= 5000; i++) sm.apply(entry(i, { op: 'append', data: i, source: 't', clientId: 'c', requestId: `r${i}` }));
  sm.apply(entry(5001, { op: 'put', key: 'k', value: 'before' }));
  const chunks = sm.snapshotChunks(700);
  const parts = [chunks.next().value as string];
  // Applied while the snapshot is being serialised: must not appear in it.
  sm.apply(entry(5002, { op: 'append', data: 'late', source: 't' }));
  sm.apply(entry(5003, { op: 'put', key: 'k', value: 'after' }));
  for (let r = chunks.next(); !r.done; r = chunks.next()) parts.push(r.value);
  assert.ok(parts.length > 5, 'it came in several chunks');
  const restored = new StateMachine();
  restored.restore(parts.join(''));
  assert.is(restored.appliedIndex, 5001);
  assert.is(restored.recordCount(), 5000);
  assert.is(restored.record(5002), null);
  assert.is(restored.get('k'), 'before');
  // Sessions survive: a retry of r42 after restore is still a duplicate.
  assert.is(restored.apply(entry(5002, { op: 'append', data: 42, source: 't', clientId: 'c', requestId: 'r42' })).duplicate, true);
  const whole = new StateMachine();
  whole.restore(sm.snapshot());
  assert.is(whole.recordCount(), 5001);
  assert.is(whole.get('k'), 'after');
});

test.run();
