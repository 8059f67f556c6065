import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom } from '../../cluster/common/rng.ts';
import { formatCounterexample } from './counterexample.ts';
import { formatJepsenKv } from './format-jepsen-kv.ts';
import { generateHistory } from './history-generator.ts';
import { pairOperations } from '../../reports/run-files/history-ops.ts';
import type { HistoryEvent } from '../../reports/run-files/history-ops.ts';
import { kv } from './kv.ts';
import { checkLinearizable } from './linearizability.ts';
import { parseJepsenKv } from './parse-jepsen-kv.ts';
import { ANOMALIES, plantAnomaly } from './plant-anomaly.ts';

const generate = (seed: number, clients = 20): HistoryEvent[] =>
  generateHistory({ workload: 'kv', ops: 400, clients, keys: 3, infoRate: 0, jepsenKvShape: true, random: seededRandom(seed) });
const check = (events: readonly HistoryEvent[]) => checkLinearizable(kv, pairOperations(events), { budgetMs: 60_000 });

test('generated many-client kv histories are linearizable, and each planted anomaly is caught', () => {
  for (const seed of [1, 2, 3]) {
    const events = generate(seed);
    assert.is(check(events).valid, true, `seed ${seed}`);
    for (const anomaly of ANOMALIES) {
      for (const which of [0, 17]) {
        const planted = plantAnomaly(events, anomaly, which);
        assert.ok(planted, `seed ${seed}: room for ${anomaly}`);
        const r = check(planted);
        assert.is(r.valid, false, `seed ${seed} ${anomaly} #${which}: ${r.reason}`);
        assert.is(r.failedKeys.length, 1);
      }
    }
  }
});

test('a stale read changes one get to an earlier value of its key; a lost write drops a piece from later gets', () => {
  const events = generate(4);
  const stale = plantAnomaly(events, 'stale-read', 5)!;
  const changed = stale.filter((e, i) => e !== events[i]);
  assert.is(changed.length, 1);
  const before = events[changed[0]!.index]!;
  assert.ok((before.value as string).startsWith(changed[0]!.value as string) && before.value !== changed[0]!.value);
  const lost = plantAnomaly(events, 'lost-write', 5)!;
  assert.ok(lost.some((e, i) => e !== events[i]));
  assert.ok(lost.every((e, i) => e === events[i] || (e.f === 'get' && (events[i]!.value as string).length > (e.value as string).length)));
});

test('a read of a never-written value is refuted by the precheck, naming the read', () => {
  const planted = plantAnomaly(generate(5), 'never-written', 3)!;
  const r = check(planted);
  assert.is(r.valid, false);
  assert.is(r.counterexample?.impossible, true);
  assert.is(r.counterexample?.blocking.output, '#never-written#');
  assert.match(formatCounterexample(r.counterexample!), /no sequence of the \d+ ops of key "\d" can give what this one returned:\n {2}p\d+ get/);
});

test('the Jepsen kv text round-trips through the parser with the same verdicts', () => {
  const events = generate(6);
  const reparsed = parseJepsenKv(formatJepsenKv(events)).events;
  assert.equal(reparsed.map((e) => [e.process, e.type, e.f, e.key, e.value]), events.map((e) => [e.process, e.type, e.f, e.key, e.value]));
  assert.is(check(reparsed).valid, true);
  assert.is(check(parseJepsenKv(formatJepsenKv(plantAnomaly(events, 'stale-read', 1)!)).events).valid, false);
});

test.run();
