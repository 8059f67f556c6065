// At most one leader per term, from audit events.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkElectionSafety } from './election-safety.ts';

test('one leader per term is valid, the same node elected twice in a term too', () => {
  const r = checkElectionSafety([
    { node: 'node1', kind: 'elected', term: 2 }, { node: 'node1', kind: 'role', role: 'LEADER', term: 2 },
    { node: 'node2', kind: 'elected', term: 3 }, { node: 'node3', kind: 'role', role: 'FOLLOWER', term: 3 },
  ]);
  assert.is(r.valid, true);
  assert.is(r.terms, 2);
});

test('two leaders in one term is invalid and names them', () => {
  const r = checkElectionSafety([{ node: 'node1', kind: 'elected', term: 4 }, { node: 'node3', kind: 'role', role: 'LEADER', term: 4 }]);
  assert.is(r.valid, false);
  assert.match(r.reason!, /term 4: node1, node3/);
});

test.run();
