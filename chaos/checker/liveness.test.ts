// Liveness is judged against the experiment's bounds: over a bound is unknown, within is valid.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkLiveness } from './liveness.ts';

const trial = (trial: number, electionMs: number | null, unavailabilityMs: number | null, expectsElection = true) => ({ trial, expectsElection, electionMs, unavailabilityMs });

test('every trial within its bounds is valid', () => {
  const r = checkLiveness([trial(1, 200, 400), trial(2, 280, 650)], { electionMsMax: 1000, unavailabilityMsMax: 2000 });
  assert.is(r.valid, true);
});

test('an election over the bound makes the run unknown, naming the trial', () => {
  const r = checkLiveness([trial(1, 200, 400), trial(2, 1500, 1700)], { electionMsMax: 1000, unavailabilityMsMax: 2000 });
  assert.is(r.valid, 'unknown');
  assert.is(r.overBound, 1);
  assert.match(r.reason!, /trial 2: election took 1500 ms \(bound 1000 ms\)/);
});

test('no election after a leader fault, or no write after it, is unknown; a follower fault needs no election', () => {
  assert.is(checkLiveness([trial(1, null, 300)], { electionMsMax: 1000 }).valid, 'unknown');
  assert.is(checkLiveness([trial(1, null, 300, false)], { electionMsMax: 1000 }).valid, true);
  assert.match(checkLiveness([trial(1, 200, null)], { unavailabilityMsMax: 1000 }).reason!, /no write succeeded/);
});

test('no bounds declared: nothing to judge, valid', () => {
  assert.is(checkLiveness([trial(1, 99_999, 99_999)], {}).valid, true);
});

test.run();
