import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { snapshotProblem } from './snapshot-check.ts';
import { StateMachine } from './state-machine.ts';

/** A real state machine's snapshot after a few commands, as a leader would send it. */
function realSnapshot(): { index: number; term: number; data: string } {
  const sm = new StateMachine();
  const cmds = [
    { op: 'append', data: { x: 1 }, source: 's', clientId: 'c', requestId: '1' },
    { op: 'put', key: 'k', value: 'v', clientId: 'c', requestId: '2' },
    { op: 'cas', key: 'k', expect: 'v', value: 'w' },
    // An append without data is a valid command: its record has no `data` in the snapshot's JSON.
    { op: 'append', source: 's' },
  ];
  cmds.forEach((c, i) => sm.apply({ index: i + 1, term: 2, kind: 'command', data: JSON.stringify(c) }));
  return { index: 4, term: 2, data: sm.snapshot() };
}

test('a real snapshot passes, and restores', () => {
  const s = realSnapshot();
  assert.is(snapshotProblem(s, 2), null);
  new StateMachine().restore(s.data);
});

test('malformed, hostile or inconsistent snapshots are named', () => {
  const s = realSnapshot();
  const body = JSON.parse(s.data) as Record<string, any>;
  const withBody = (change: Record<string, unknown>) => ({ ...s, data: JSON.stringify({ ...body, ...change }) });
  const cases: [string, { index: number; term: number; data: string }, RegExp][] = [
    ['not JSON', { ...s, data: '{"v":1,' }, /not JSON/],
    ['an array', { ...s, data: '[]' }, /JSON object/],
    ['another version', withBody({ v: 2 }), /unknown version/],
    ['index differs from the message', { ...s, index: 5 }, /as of index 4, its message says 5/],
    ['term later than the message', { ...s, term: 3 }, /later than its message's term/],
    ['index 0', { index: 0, term: 1, data: s.data }, /at least 1/],
    ['records not an array', withBody({ records: 'x' }), /records, kv and dedup arrays/],
    ['more keys than entries', withBody({ kv: [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5']] }), /more records, keys or sessions/],
    ['a record id past the index', withBody({ records: [{ ...body.records[0], id: 9 }] }), /ids must increase/],
    ['a record term past the snapshot', withBody({ records: [{ ...body.records[0], term: 5 }] }), /term must be/],
    ['a record without source', withBody({ records: [{ id: 1, term: 2, data: 1 }] }), /source must be/],
    ['a kv value that is not a string', withBody({ kv: [['k', 5]] }), /string pairs/],
    ['a repeated session', withBody({ dedup: [body.dedup[0], body.dedup[0]] }), /repeats a session/],
    ['a session result of unknown op', withBody({ dedup: [['c\u00001', { op: 'drop' }]] }), /unknown op/],
  ];
  for (const [what, snap, want] of cases) assert.match(snapshotProblem(snap, 2) ?? 'passed', want, what);
});

test.run();
