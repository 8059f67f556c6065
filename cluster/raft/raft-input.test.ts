import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RaftError } from './errors.ts';
import { RaftNode } from './raft.ts';
import { TestNetwork as Network } from './test-network.ts';
import { seededRandom } from '../common/rng.ts';

const fresh = { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] };

function raftError(fn: () => unknown): RaftError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RaftError) return err;
    throw err;
  }
  throw new Error('expected a RaftError');
}

test('an empty proposal is refused with INVALID_ARGUMENT, not an invariant crash', () => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  const e = raftError(() => net.node('a').propose([]));
  assert.is(e.code, 'INVALID_ARGUMENT');
});

test('fractional tick counts and a missing RNG are refused with INVALID_ARGUMENT', () => {
  const base = { id: 'a', peers: ['a', 'b', 'c'], random: seededRandom(1) };
  assert.is(raftError(() => new RaftNode({ ...base, heartbeatTicks: 2.5 }, fresh)).code, 'INVALID_ARGUMENT');
  assert.is(raftError(() => new RaftNode({ ...base, electionTicksMin: 15.5 }, fresh)).code, 'INVALID_ARGUMENT');
  assert.is(raftError(() => new RaftNode({ ...base, random: undefined as unknown as () => number }, fresh)).code, 'INVALID_ARGUMENT');
  assert.is(raftError(() => new RaftNode({ ...base, maxBytesPerAppend: 0 }, fresh)).code, 'INVALID_ARGUMENT');
});

test('§9.6 PreVote without CheckQuorum: a follower that hears its leader refuses a prevote', () => {
  const net = new Network(['a', 'b', 'c'], { tuning: { checkQuorum: false } });
  net.elect('a');
  const termBefore = net.node('a').status().term;
  // c is cut off from the leader only, so it times out and asks b, which still hears a.
  net.cut('a', 'c');
  net.tick(40, ['c']);
  net.tick(3, ['a', 'b']);
  net.stabilize();
  assert.is(net.leader(), 'a');
  assert.is(net.node('a').status().term, termBefore, 'the leader was not deposed');
  assert.is(net.node('b').status().term, termBefore, 'b did not move to a new term');
});

test.run();
