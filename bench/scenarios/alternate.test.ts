import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatAlternation, medianFigures } from './alternate.ts';
import type { ArmFigures } from './alternate.ts';

const f = (p99: number, okPerSec = 500): ArmFigures => ({ okPerSec, errors: 0, p50: p99 / 4, p90: p99 / 2, p99, p999: p99 * 2, max: p99 * 3 });

test('medians are per figure over rounds: the middle one, or the mean of the middle two', () => {
  assert.is(medianFigures([f(30), f(10), f(20)]).p99, 20);
  assert.is(medianFigures([f(40), f(10), f(20), f(30)]).p99, 25);
  // Per figure, not the round with the median p99: one slow round's max does not carry over.
  const m = medianFigures([f(10, 480), f(20, 500), { ...f(30, 490), max: 1000 }]);
  assert.equal([m.okPerSec, m.max], [490, 60]);
});

test('the table names each arm and gives the cluster over each reference', () => {
  const lines = formatAlternation({ cluster: f(16), floor: f(4) }, 3);
  assert.match(lines[0]!, /medians over 3 alternated rounds/);
  assert.match(lines[1]!, /^ {2}cluster +p50 4\.00 +p90 8\.00 +p99 16\.0 +p99\.9 32\.0/);
  assert.is(lines.at(-1), '  cluster / floor: p50 4.00x, p99 4.00x, p99.9 4.00x');
});

test.run();
