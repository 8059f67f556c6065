import assert from 'node:assert/strict';
import { test } from 'uvu';
import { SnapshotPolicy } from './snapshot-policy.ts';

/** Applies `n` commands of `chars` each, snapshotting whenever the policy says so; returns the indexes. */
function run(policy: SnapshotPolicy, n: number, chars: number, stateCharsPerEntry: number): number[] {
  const taken: number[] = [];
  let snapshotIndex = 0;
  for (let applied = 1; applied <= n; applied++) {
    policy.applied(chars);
    if (!policy.due(applied - snapshotIndex)) continue;
    policy.started();
    policy.sized(applied * stateCharsPerEntry);
    snapshotIndex = applied;
    taken.push(applied);
  }
  return taken;
}

test('ratio 0: a snapshot every `entries`, the first one `offsetEntries` later', () => {
  const p = new SnapshotPolicy({ entries: 100, offsetEntries: 30, logRatio: 0 });
  assert.deepEqual(run(p, 500, 50, 60), [130, 230, 330, 430]);
});

test('a growing state spaces snapshots out: the log since the last one must reach its size', () => {
  // Each entry adds as much to the state as its command: snapshot k needs the log to double.
  const p = new SnapshotPolicy({ entries: 100, offsetEntries: 0, logRatio: 1 });
  assert.deepEqual(run(p, 2000, 50, 50), [100, 200, 400, 800, 1600]);
});

test('a bounded state (puts over the same keys) keeps the entry count as the only rule', () => {
  const p = new SnapshotPolicy({ entries: 100, offsetEntries: 0, logRatio: 1 });
  const taken: number[] = [];
  let snapshotIndex = 0;
  for (let applied = 1; applied <= 500; applied++) {
    p.applied(50);
    if (!p.due(applied - snapshotIndex)) continue;
    p.started();
    p.sized(3000); // the state stopped growing: smaller than 100 entries' commands
    snapshotIndex = applied;
    taken.push(applied);
  }
  assert.deepEqual(taken, [100, 200, 300, 400, 500]);
});

test('a restored or installed snapshot sets the size the next log must reach', () => {
  const p = new SnapshotPolicy({ entries: 10, offsetEntries: 0, logRatio: 2 }, 1000);
  for (let i = 0; i < 19; i++) p.applied(100);
  assert.equal(p.due(19), false, '1,900 chars < 2 x 1,000');
  p.applied(100);
  assert.equal(p.due(20), true);
  p.installed(5000);
  p.applied(100);
  assert.equal(p.due(50), false, 'the log since the installed snapshot starts empty');
});

test.run();
