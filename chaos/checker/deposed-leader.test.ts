// An isolated leader must step down and acknowledge nothing invoked after its successor's election.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Operation } from '../../reports/run-files/history-ops.ts';
import { checkIsolatedLeaders } from './deposed-leader.ts';

const trial = { trial: 1, node: 'node1', faultAtMs: 1000, healedAtMs: 5000 };
const stepDown = { node: 'node1', ts: 1300, kind: 'step-down', term: 3 };
const elected = { node: 'node2', ts: 1250, kind: 'elected', term: 4 };
const ack = (node: string, callMs: number, returnMs: number): Operation => ({
  id: 0, process: 0, f: 'append', input: 'r1', output: [10, node], outcome: 'ok',
  callNs: callMs * 1e6, returnNs: returnMs * 1e6, invokeIndex: 0, completeIndex: 1,
});
const epoch = (ns: number) => ns / 1e6;

test('valid: stepped down, acks after the election come from the new leader', () => {
  assert.is(checkIsolatedLeaders([trial], [elected, stepDown], [ack('node2', 1400, 1500), ack('node1', 900, 1100)], epoch).valid, true);
});

test('invalid: the isolated leader never stepped down', () => {
  const r = checkIsolatedLeaders([trial], [elected], [], epoch);
  assert.is(r.valid, false);
  assert.match(r.reason!, /never stepped down/);
});

test('invalid: the isolated leader acknowledged a write invoked after the new election', () => {
  const r = checkIsolatedLeaders([trial], [elected, stepDown], [ack('node1', 1260, 1290)], epoch);
  assert.is(r.valid, false);
  assert.match(r.reason!, /node1 acknowledged request r1 invoked 10 ms after node2 was elected/);
});

test.run();
