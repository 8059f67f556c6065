import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findKnee, saturatedStep, sustained } from './knee.ts';
import type { CurvePoint } from './knee.ts';

const pt = (rateRps: number, p99Ms: number, okShare = 1, errorRate = 0): CurvePoint => ({ rateRps, okPerSec: rateRps * okShare, errorRate, p99Ms });

test('the knee is the last sustained step before p99 leaves the neighbourhood of the first', () => {
  const curve = [pt(100, 4), pt(500, 5), pt(1000, 9), pt(2000, 15), pt(3000, 80, 0.8)];
  assert.is(findKnee(curve, 50)?.rateRps, 1000); // 15 ms > 3 x 4 ms
});

test('the bound caps the knee, a floor keeps sub-millisecond noise from ending it', () => {
  assert.is(findKnee([pt(100, 10), pt(200, 20), pt(300, 29)], 25)?.rateRps, 200);
  assert.is(findKnee([pt(100, 10), pt(200, 20), pt(300, 29)], null)?.rateRps, 300);
  assert.is(findKnee([pt(100, 80), pt(200, 90)], 50), null);
  assert.is(findKnee([pt(100, 0.3), pt(200, 1.5), pt(300, 2.2), pt(400, 2.4)], 50)?.rateRps, 300);
});

test('a step that does not deliver what was asked ends the curve; none sustained means no knee', () => {
  assert.is(findKnee([pt(100, 2), pt(200, 2, 0.9), pt(300, 2)], 50)?.rateRps, 100);
  assert.is(findKnee([pt(100, 2, 1, 0.02)], 50), null);
  assert.is(findKnee([], 50), null);
  assert.ok(sustained(pt(100, 2, 0.95)));
  assert.not.ok(sustained(pt(100, 2, 1, 0.01)));
  assert.ok(saturatedStep(pt(100, 1500)));
  assert.not.ok(saturatedStep(pt(100, 15)));
});

test.run();
