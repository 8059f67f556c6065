import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkMessages, commandProblem, termMax, type PeerView } from './peer-message-check.ts';

const view = (over: Partial<ReturnType<PeerView['now']>> = {}): PeerView => ({
  now: () => ({ term: 5, leader: 'n1', role: 'FOLLOWER', lastIndex: 10, members: ['n1', 'n2', 'n3'], ...over }),
});
const put = JSON.stringify({ op: 'put', key: 'k', value: 'v' });
const append = (entries: unknown[], term = 5) => [{ type: 'append', from: 'n1', to: 'n2', term, prevIndex: 10, prevTerm: 5, commit: 10, entries }];

test('well-formed traffic passes', () => {
  assert.is(checkMessages(append([{ index: 11, term: 5, kind: 'command', data: put }, { index: 12, term: 5, kind: 'noop', data: '' }]), 'n2', view()), null);
  assert.is(checkMessages([{ type: 'timeoutNow', from: 'n1', to: 'n2', term: 5 }], 'n2', view()), null);
  assert.is(checkMessages([{ type: 'appendResp', from: 'n2', to: 'n1', term: 5, success: true, index: 10, hintIndex: 0, hintTerm: 0 }], 'n1', view({ role: 'LEADER' })), null);
});

test('terms near 2^53, unparseable or unappliable entry data, and decreasing entry terms are refused', () => {
  assert.match(checkMessages([{ type: 'heartbeat', from: 'n1', to: 'n2', term: Number.MAX_SAFE_INTEGER, commit: 0, readCtx: null }], 'n2') ?? '', /term must be/);
  assert.match(checkMessages([{ type: 'heartbeat', from: 'n1', to: 'n2', term: termMax + 1, commit: 0, readCtx: null }], 'n2') ?? '', /term must be/);
  assert.match(checkMessages(append([{ index: 11, term: 5, kind: 'command', data: 'not json' }]), 'n2') ?? '', /not JSON/);
  assert.match(checkMessages(append([{ index: 11, term: 5, kind: 'command', data: '{"op":"drop"}' }]), 'n2') ?? '', /unknown op/);
  assert.match(checkMessages(append([{ index: 11, term: 4, kind: 'noop', data: '' }]), 'n2') ?? '', /must not decrease/);
  assert.match(checkMessages(append([{ index: 11, term: 6, kind: 'noop', data: '' }]), 'n2') ?? '', /exceed the message term/);
  assert.is(commandProblem(JSON.stringify({ op: 'cas', key: 'k', expect: null, value: 'v' })), null);
});

test('checks against the node: appendResp beyond the last index, timeoutNow not from the leader, strangers', () => {
  assert.match(checkMessages([{ type: 'appendResp', from: 'n2', to: 'n1', term: 5, success: true, index: 1e9, hintIndex: 0, hintTerm: 0 }], 'n1', view({ role: 'LEADER' })) ?? '', /beyond this leader's last index/);
  assert.match(checkMessages([{ type: 'timeoutNow', from: 'n3', to: 'n2', term: 5 }], 'n2', view()) ?? '', /timeoutNow from n3/);
  assert.match(checkMessages([{ type: 'timeoutNow', from: 'n1', to: 'n2', term: 6 }], 'n2', view()) ?? '', /timeoutNow/);
  assert.match(checkMessages([{ type: 'heartbeat', from: 'n9', to: 'n2', term: 5, commit: 0, readCtx: null }], 'n2', view()) ?? '', /not another member/);
});

test.run();
