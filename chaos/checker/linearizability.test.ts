import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { casRegister } from './cas-register.ts';
import { checkLinearizable } from './linearizability.ts';
import { corruptOneRead, generateHistory } from './history-generator.ts';
import type { GeneratedWorkload } from './history-generator.ts';
import { pairOperations } from '../../reports/run-files/history-ops.ts';
import { kv } from './kv.ts';
import { UNKNOWN_OUTPUT } from './model.ts';
import type { Model } from './model.ts';
import type { Operation } from '../../reports/run-files/history-ops.ts';
import { seededRandom } from '../../cluster/common/rng.ts';
import { HistoryBuilder } from './test-histories.ts';

const register = (h: HistoryBuilder, budgetMs = 10_000) => checkLinearizable(casRegister, pairOperations(h.events), { budgetMs });

test('sequential write then read of it is linearizable; of another value is not', () => {
  assert.is(register(new HistoryBuilder().call(0, 'write', 1, 1).call(1, 'read', null, 1)).valid, true);
  assert.is(register(new HistoryBuilder().call(0, 'write', 1, 1).call(1, 'read', null, 2)).valid, false);
  const bad = register(new HistoryBuilder().call(0, 'write', 1, 1).call(0, 'write', 2, 2).call(1, 'read', null, 1));
  assert.is(bad.valid, false);
  assert.is(bad.counterexample?.blocking.f, 'read');
  assert.is(bad.counterexample?.stateAfterPrefix, '2');
});

test('a read concurrent with a write may see either value, but not after the write returned', () => {
  const concurrent = (seen: number | null) => new HistoryBuilder().call(0, 'write', 1, 1)
    .invoke(0, 'write', 2).invoke(1, 'read', null).ok(1, 'read', seen).ok(0, 'write', 2);
  assert.is(register(concurrent(1)).valid, true);
  assert.is(register(concurrent(2)).valid, true);
  assert.is(register(concurrent(null)).valid, false);
  const stale = new HistoryBuilder().call(0, 'write', 1, 1).call(0, 'write', 2, 2).call(1, 'read', null, 1);
  assert.is(register(stale).valid, false);
});

test('an info write may take effect much later, or never', () => {
  const h = (laterRead: number | null) => new HistoryBuilder().call(0, 'write', 1, 1)
    .invoke(1, 'write', 7).info(1, 'write')
    .call(0, 'read', null, 1).call(0, 'read', null, 1).call(2, 'read', null, laterRead);
  assert.is(register(h(7)).valid, true, 'took effect late');
  assert.is(register(h(1)).valid, true, 'never took effect');
  assert.is(register(h(null)).valid, false);
  // Once it is seen it cannot be unseen without another write.
  const flicker = new HistoryBuilder().invoke(1, 'write', 7).info(1, 'write')
    .call(0, 'read', null, 7).call(0, 'read', null, null);
  assert.is(register(flicker).valid, false);
});

test('fail ops never take effect; a successful cas does', () => {
  const h = new HistoryBuilder().call(0, 'write', 1, 1)
    .invoke(1, 'cas', [2, 3]).fail(1, 'cas', [2, 3])
    .call(0, 'cas', [1, 4], [1, 4]).call(1, 'read', null, 4);
  assert.is(register(h).valid, true);
  const swallowedFail = new HistoryBuilder().call(0, 'write', 1, 1)
    .invoke(1, 'write', 9).fail(1, 'write', 9).call(0, 'read', null, 9);
  assert.is(register(swallowedFail).valid, false);
});

test('keys are checked independently; one bad key makes the whole false and is named', () => {
  const h = new HistoryBuilder()
    .call(0, 'put', 'a', 'a', 'k1').call(0, 'append', 'b', 'b', 'k1').call(1, 'get', null, 'ab', 'k1')
    .call(0, 'append', 'x', 'x', 'k2').call(1, 'get', null, 'xy', 'k2');
  const r = checkLinearizable(kv, pairOperations(h.events));
  assert.is(r.valid, false);
  assert.equal(r.failedKeys, ['k2']);
  assert.is(r.partitionCount, 2);
  assert.is(r.counterexample?.key, 'k2');
});

test('concurrent appends may land in either order, but reads must agree on it', () => {
  const h = (first: string, second: string) => new HistoryBuilder()
    .invoke(0, 'append', 'a', 'k').invoke(1, 'append', 'b', 'k').ok(0, 'append', 'a', 'k').ok(1, 'append', 'b', 'k')
    .call(2, 'get', null, first, 'k').call(3, 'get', null, second, 'k');
  assert.is(checkLinearizable(kv, pairOperations(h('ba', 'ba').events)).valid, true);
  assert.is(checkLinearizable(kv, pairOperations(h('ab', 'ba').events)).valid, false);
});

// Fixed so CI is reproducible: with a fresh seed per run, a rare history with many info calls can
// exhaust the search budget (a known limit of the search: "unknown", never a wrong verdict).
// CHECKER_PROPERTY_SEED explores others; the seed is printed first.
const propertySeed = Number(process.env.CHECKER_PROPERTY_SEED ?? 20261127);
console.log(`property seed ${propertySeed} (CHECKER_PROPERTY_SEED to change)`);

const modelFor = (w: GeneratedWorkload): Model<never> => (w === 'kv' ? kv : casRegister) as Model<never>;
const historyArb = fc.record({
  workload: fc.constantFrom<GeneratedWorkload>('cas-register', 'kv'),
  seed: fc.integer(),
  ops: fc.integer({ min: 1, max: 60 }),
  clients: fc.integer({ min: 1, max: 6 }),
  keys: fc.integer({ min: 1, max: 3 }),
  infoRate: fc.constantFrom(0, 0.05, 0.2),
});

test('property: histories from a sequential execution with random overlaps are linearizable', () => {
  fc.assert(fc.property(historyArb, (p) => {
    const events = generateHistory({ ...p, random: seededRandom(p.seed) });
    const r = checkLinearizable(modelFor(p.workload), pairOperations(events), { budgetMs: 20_000 });
    assert.is(r.valid, true);
  }), { numRuns: 300, seed: propertySeed });
});

test('property: a read of a value never written is never called linearizable; decided, it is the op reported', () => {
  // Proving a history wrong means exhausting every placement of its info calls: with many of them
  // on one key (kv appends make every order a distinct state) the budget can run out, and the
  // honest answer is "unknown". So: never `true`, the right op whenever decided, and nearly
  // always decided within a short budget.
  let total = 0;
  let decided = 0;
  fc.assert(fc.property(historyArb, fc.nat(), (p, which) => {
    const events = generateHistory({ ...p, random: seededRandom(p.seed) });
    const corrupted = corruptOneRead(events, which);
    fc.pre(corrupted !== null);
    const ops = pairOperations(corrupted!);
    const r = checkLinearizable(modelFor(p.workload), ops, { budgetMs: 1000 });
    total++;
    assert.is.not(r.valid, true, 'called linearizable');
    if (r.valid === false) {
      decided++;
      const changed = corrupted!.findIndex((e, i) => e !== events[i]);
      assert.is(r.counterexample?.blocking.completeIndex, changed);
    }
  }), { numRuns: 300, seed: propertySeed + 1 });
  assert.ok(decided >= total * 0.95, `only ${decided} of ${total} corrupted histories decided within the budget`);
});

test('a generated history over many clients and keys is linearizable (kv and register, 2000 ops)', () => {
  for (const workload of ['cas-register', 'kv'] as const) {
    const events = generateHistory({ workload, ops: 2000, clients: 10, keys: 5, infoRate: 0.05, random: seededRandom(7) });
    const r = checkLinearizable(modelFor(workload), pairOperations(events), { budgetMs: 60_000 });
    assert.is(r.valid, true, workload);
    assert.is(r.partitionCount, 5);
  }
});

test('the chaos register workload\'s shape (unique values, cas misses ok false): valid, and a bad read is caught', () => {
  const events = generateHistory({ workload: 'cas-register', ops: 2000, clients: 10, keys: 5, infoRate: 0.05, random: seededRandom(11), chaosShape: true });
  const ops = pairOperations(events);
  assert.ok(ops.some((op) => op.f === 'cas' && op.outcome === 'ok' && op.output === false), 'some cas did not swap');
  assert.ok(ops.some((op) => op.f === 'cas' && op.output === true), 'some cas swapped');
  assert.is(checkLinearizable(casRegister, ops, { budgetMs: 60_000 }).valid, true);
  assert.is(checkLinearizable(casRegister, pairOperations(corruptOneRead(events, 3)!), { budgetMs: 60_000 }).valid, false);
  // Flip a swapped cas whose value a later read saw to "did not swap": nothing else ever wrote that value.
  const read = new Set(ops.filter((op) => op.f === 'read' && op.outcome === 'ok').map((op) => op.output));
  const swapped = ops.find((op) => op.f === 'cas' && op.output === true && read.has((op.input as string[])[1]!));
  assert.ok(swapped, 'a swapped cas whose value was read');
  const lying = events.map((e, i) => (i === swapped.completeIndex ? { ...e, value: false } : e));
  assert.is(checkLinearizable(casRegister, pairOperations(lying), { budgetMs: 60_000 }).valid, false);
});

// Many info writes all pending, then a stale read no subset of them explains (99 was overwritten
// before it, so no precheck sees it): the exact search has to try the subsets, far more than fits
// in 100 ms.
function hardHistory(infoWrites: number): HistoryBuilder {
  const h = new HistoryBuilder().call(100, 'write', 99, 99).call(100, 'write', 98, 98);
  for (let p = 0; p < infoWrites; p++) h.invoke(p, 'write', p);
  for (let p = 0; p < infoWrites; p++) h.info(p, 'write');
  return h.call(infoWrites, 'read', null, 99);
}

test('budget exhaustion gives unknown, never a guess', () => {
  const r = register(hardHistory(26), 100);
  assert.is(r.valid, 'unknown');
  assert.equal(r.unknownKeys, [null]);
  assert.is(r.counterexample, undefined);
  assert.is(register(hardHistory(3)).valid, false, 'a small one is decided');
});

test('the memory limit gives unknown with the reason, and the memory is given back', () => {
  const r = checkLinearizable(casRegister, pairOperations(hardHistory(26).events), { budgetMs: 60_000, maxMemoryBytes: 2 ** 20 });
  assert.is(r.valid, 'unknown');
  assert.match(r.reason ?? '', /memory limit of 1 MiB reached/);
  assert.ok(r.peakMemoryBytes <= 2 ** 20, `peak ${r.peakMemoryBytes}`);
  assert.ok(r.peakMemoryBytes > 2 ** 19, `the limit was what stopped it (peak ${r.peakMemoryBytes})`);
});

test('a refuted partition decides at once, even behind one whose search would not end', () => {
  const h = hardHistory(26);
  for (const e of h.events) e.key = 'slow';
  h.call(40, 'write', 1, 1, 'fast').call(40, 'write', 2, 2, 'fast').call(41, 'read', null, 1, 'fast');
  const r = checkLinearizable(casRegister, pairOperations(h.events), { budgetMs: 60_000 });
  assert.is(r.valid, false);
  assert.equal(r.failedKeys, ['fast']);
  assert.equal(r.abandonedKeys, ['slow']);
  assert.match(r.reason ?? '', /1 left unfinished/);
});

test('a read of a value no call writes is refuted before any search, naming that read', () => {
  const h = new HistoryBuilder().call(0, 'write', 1, 1).invoke(1, 'write', 2).info(1, 'write')
    .call(2, 'cas', [1, 3], [1, 3]).call(0, 'read', null, null).call(0, 'read', null, 7).call(0, 'read', null, 3);
  const r = register(h);
  assert.is(r.valid, false);
  assert.is(r.steps, 0);
  assert.is(r.counterexample?.impossible, true);
  assert.is(r.counterexample?.blocking.output, 7);
  assert.is(register(new HistoryBuilder().call(0, 'write', 1, 1).call(2, 'cas', [1, 3], [1, 3]).call(0, 'read', null, 3)).valid, true);
});

test('a get missing an append that returned before it began is refuted before any search, unless a put may come between', () => {
  const check = (h: HistoryBuilder) => checkLinearizable(kv, pairOperations(h.events), { budgetMs: 10_000 });
  const stale = check(new HistoryBuilder().call(0, 'append', 'a', 'a', 'k').call(0, 'append', 'b', 'b', 'k').call(1, 'get', null, 'a', 'k'));
  assert.is(stale.valid, false);
  assert.is(stale.steps, 0);
  assert.is(stale.counterexample?.impossible, true);
  assert.is(stale.counterexample?.blocking.output, 'a');
  // A put of "a", called before the get returned, may follow append b: then "a" is right.
  const reset = check(new HistoryBuilder().call(0, 'append', 'a', 'a', 'k').invoke(2, 'put', 'a', 'k')
    .call(0, 'append', 'b', 'b', 'k').call(1, 'get', null, 'a', 'k').ok(2, 'put', 'a', 'k'));
  assert.is(reset.valid, true);
});

test('budget is read from the injected clock, and checked before each partition', () => {
  let calls = 0;
  const nowMs = () => (calls++ === 0 ? 0 : 1e9);
  const h = new HistoryBuilder().call(0, 'write', 1, 1, 'a').call(0, 'write', 1, 1, 'b');
  const r = checkLinearizable(casRegister, pairOperations(h.events), { budgetMs: 1000, nowMs });
  assert.is(r.valid, 'unknown');
  assert.equal(r.unknownKeys, ['a', 'b']);
});


/** Every order of the ops that respects real time, no memo and no pruning: the reference verdict. */
function bruteForce(model: Model<unknown>, ops: readonly Operation[]): boolean {
  const used = new Uint8Array(ops.length);
  const mustDo = ops.filter((o) => o.outcome === 'ok').length;
  const go = (state: unknown, done: number): boolean => {
    if (done === mustDo) return true;
    // Unresolved info calls left out are simply never linearized; an ok one must be.
    let firstReturn = Infinity;
    for (let k = 0; k < ops.length; k++) if (used[k] === 0 && ops[k]!.outcome === 'ok') firstReturn = Math.min(firstReturn, ops[k]!.returnNs);
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (used[k] === 1 || op.callNs > firstReturn) continue;
      const [legal, next] = model.step(state, { f: op.f, value: op.input }, op.outcome === 'ok' ? (op.output ?? null) : UNKNOWN_OUTPUT);
      if (!legal) continue;
      used[k] = 1;
      const found = go(next, done + (op.outcome === 'ok' ? 1 : 0));
      used[k] = 0;
      if (found) return true;
    }
    return false;
  };
  return go(model.init(), 0);
}

test('property: on small kv histories with reads rewritten at random, the verdict is the exhaustive one', () => {
  // Reads first and stuck reads prune the search; this holds them to a search with no pruning.
  const arb = fc.record({
    seed: fc.integer(), ops: fc.integer({ min: 2, max: 9 }), clients: fc.integer({ min: 2, max: 4 }),
    infoRate: fc.constantFrom(0, 0.2), rewrites: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 2 }),
  });
  let refuted = 0;
  fc.assert(fc.property(arb, (p) => {
    const events = generateHistory({ workload: 'kv', ops: p.ops, clients: p.clients, keys: 1, infoRate: p.infoRate, random: seededRandom(p.seed) });
    // A read may be made to return what another read saw, a put's value, or a piece appended: often not linearizable.
    const seen = [...new Set(events.filter((e) => e.f !== 'get' || e.type === 'ok').map((e) => (e.value ?? '') as string))];
    const reads = events.filter((e) => e.f === 'get' && e.type === 'ok');
    for (const [which, a, b] of p.rewrites) {
      if (reads.length === 0 || seen.length === 0) break;
      reads[which % reads.length]!.value = seen[a % seen.length]! + (b % 3 === 0 ? seen[b % seen.length]! : '');
    }
    const ops = pairOperations(events);
    const expected = bruteForce(kv as Model<unknown>, ops);
    const r = checkLinearizable(kv, ops, { budgetMs: 20_000 });
    assert.is(r.valid, expected, JSON.stringify(events));
    if (!expected) refuted++;
  }), { numRuns: 400, seed: propertySeed });
  assert.ok(refuted > 20, `only ${refuted} of 400 histories were not linearizable: the property tests too little`);
});

test('a read that no longer extends the value is kept while a put that may come first is unresolved', () => {
  const check = (h: HistoryBuilder) => checkLinearizable(kv, pairOperations(h.events), { budgetMs: 10_000 }).valid;
  // "a", then concurrently: append b, put z, and a get that saw "zb" (put z, then append b).
  const rescued = new HistoryBuilder().call(0, 'append', 'a', 'a', 'k')
    .invoke(2, 'append', 'b', 'k').invoke(3, 'put', 'z', 'k').invoke(1, 'get', null, 'k')
    .ok(1, 'get', 'zb', 'k').ok(2, 'append', 'b', 'k').ok(3, 'put', 'z', 'k');
  assert.is(check(rescued), true);
  // The same get, but the put began only after it returned: nothing can give "zb" in time.
  const late = new HistoryBuilder().call(0, 'append', 'a', 'a', 'k')
    .invoke(2, 'append', 'b', 'k').invoke(1, 'get', null, 'k').ok(1, 'get', 'zb', 'k').ok(2, 'append', 'b', 'k')
    .call(3, 'put', 'z', 'z', 'k');
  assert.is(check(late), false);
});

test.run();
