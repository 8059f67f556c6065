import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimStorage } from './sim-storage.ts';
import type { Entry } from '../raft/messages.ts';

const e = (index: number): Entry => ({ index, term: 1, kind: 'command', data: `c${index}` });

test('a crash loses commit-only hard states since the last sync, never entries or a term/vote', () => {
  const s = new SimStorage();
  s.persist({ hardState: { term: 1, vote: 'n1', commit: 0 }, entries: [e(1), e(2), e(3)], snapshot: null }, null);
  s.persist({ hardState: { term: 1, vote: 'n1', commit: 3 }, entries: [], snapshot: null }, null);
  assert.is(s.hardState.commit, 3);
  s.loseUnsynced();
  assert.equal(s.hardState, { term: 1, vote: 'n1', commit: 0 });
  assert.is(s.lastIndex(), 3);
  s.persist({ hardState: { term: 2, vote: null, commit: 2 }, entries: [], snapshot: null }, null);
  s.loseUnsynced();
  assert.equal(s.hardState, { term: 2, vote: null, commit: 2 });
});

test.run();
