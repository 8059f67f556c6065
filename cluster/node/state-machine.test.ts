import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Entry } from '../raft/messages.ts';
import type { ChunkJsonCache } from './chunk-json-cache.ts';
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
  const sm = new StateMachine(undefined, 700);
  for (let i = 1; i <= 5000; i++) sm.apply(entry(i, { op: 'append', data: i, source: 't', clientId: 'c', requestId: `r${i}` }));
  sm.apply(entry(5001, { op: 'put', key: 'k', value: 'before' }));
  const chunks = sm.snapshotChunks();
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

test('snapshots reuse the text of full record chunks and equal a fresh serialisation of the same state', () => {
  const cached = new StateMachine(undefined, 64);
  let index = 0;
  const put = (sm: StateMachine, i: number): void => {
    sm.apply(entry(i, i % 7 === 0
      ? { op: 'put', key: `k${i % 5}`, value: `v${i}` }
      : { op: 'append', data: { n: i, text: 'ünïcode ✓'.repeat(i % 3) }, source: 's', clientId: 'c', requestId: `r${i}` }));
  };
  for (const until of [10, 64, 65, 200, 640, 641, 1000]) {
    while (index < until) put(cached, ++index);
    const text = cached.snapshot();
    // A machine without any cached chunk, holding the same state, serialises the same text.
    const fresh = new StateMachine(undefined, 64);
    fresh.restore(text);
    assert.is(fresh.snapshot(), text, `snapshot at ${until}`);
    assert.is(fresh.recordCount(), cached.recordCount());
    assert.is(JSON.parse(text).index, until);
  }
  // After a restore the cache starts over from the restored records.
  const restored = new StateMachine(undefined, 64);
  restored.restore(cached.snapshot());
  put(restored, ++index);
  put(cached, index);
  assert.is(restored.snapshot(), cached.snapshot());
});

test('sessions: cached chunks survive eviction of older ones, and an eviction during a snapshot does not reach it', () => {
  const dedupMax = 150;
  const chunk = 64;
  const cached = new StateMachine(dedupMax, chunk);
  const twin = new StateMachine(dedupMax, chunk); // same entries, snapshots only when compared
  let index = 0;
  const write = (i: number): Entry => entry(i, { op: 'append', data: i, source: 's', clientId: 'c', requestId: `r${i}` });
  const step = (): void => { index++; cached.apply(write(index)); twin.apply(write(index)); };
  for (const until of [100, 150, 151, 191, 192, 300, 333, 640]) {
    while (index < until) step();
    const text = cached.snapshot();
    const fresh = new StateMachine(dedupMax, chunk);
    fresh.restore(text);
    assert.is(fresh.snapshot(), text, `snapshot at ${until}`);
    const keys = (JSON.parse(text).dedup as [string, unknown][]).map(([k]) => Number(k.split('r')[1]));
    const oldest = Math.max(1, until - dedupMax + 1);
    assert.equal(keys, Array.from({ length: until - oldest + 1 }, (_, j) => oldest + j), `sessions at ${until}`);
  }
  // Evict through several chunk boundaries between the first piece and the rest.
  const expected = twin.snapshot();
  const pieces = cached.snapshotChunks();
  const parts = [pieces.next().value as string];
  for (let n = 0; n < 3 * chunk; n++) step();
  for (let r = pieces.next(); !r.done; r = pieces.next()) parts.push(r.value);
  assert.is(parts.join(''), expected);
  // And what that snapshot cached is not reused for chunks evicted since.
  const fresh = new StateMachine(dedupMax, chunk);
  fresh.restore(cached.snapshot());
  assert.is(fresh.snapshot(), twin.snapshot());
  // Memory bound: chunks of evicted sessions are not kept (private state, read on purpose).
  for (let n = 0; n < 5 * chunk; n++) { step(); if (n % 50 === 0) cached.snapshot(); }
  cached.snapshot();
  const kept = (cached as unknown as { dedupChunks: ChunkJsonCache }).dedupChunks.kept();
  const oldestChunk = Math.floor((index - dedupMax) / chunk); // numbering counts from 0 here: no restore
  assert.ok(kept.length <= Math.ceil(dedupMax / chunk) + 1 && kept.every((k) => k >= oldestChunk), `kept chunks ${kept.join(',')}`);
});

test('sessions are evicted oldest first across many evictions, duplicates and a restore', () => {
  const dedupMax = 1000;
  const live = new StateMachine(dedupMax);
  let restored: StateMachine | null = null;
  const put = (i: number, request: number): Entry => entry(i, { op: 'put', key: `k${request % 7}`, value: `v${request}`, clientId: 'c', requestId: `r${request}` });
  // Requests 1..n, every tenth entry a retry of a request 500 back (still remembered: not applied).
  let request = 0;
  for (let i = 1; i <= 20_000; i++) {
    const retry = i % 10 === 0 && request > 500;
    const e = put(i, retry ? request - 500 : ++request);
    const outcome = live.apply(e);
    assert.is(outcome.duplicate, retry, `entry ${i}`);
    if (restored) assert.equal(restored.apply(e), outcome, `restored replica, entry ${i}`);
    // Midway a replica starts from a snapshot and must evict in the same order from then on.
    if (i === 9_999) { restored = new StateMachine(dedupMax); restored.restore(live.snapshot()); }
  }
  const keys = (JSON.parse(live.snapshot()).dedup as [string, unknown][]).map(([k]) => Number(k.split('r')[1]));
  assert.equal(keys, Array.from({ length: dedupMax }, (_, j) => request - dedupMax + 1 + j));
  assert.is(restored!.snapshot(), live.snapshot());
  // An evicted request is applied again; a remembered one is not.
  assert.is(live.apply(put(20_001, request - dedupMax)).duplicate, false);
  assert.is(live.apply(put(20_002, request)).duplicate, true);
});

test.run();
