import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatUsage, metricSum, usageBetween } from './cluster-usage.ts';

const node = (fsyncs: number, fsyncSum: number, proposals: number, pcSum: number, gcPauses = 0, gcSum = 0): string => [
  '# TYPE raft_fsync_seconds histogram',
  `nodejs_gc_duration_seconds_sum{kind="minor"} ${gcSum}`,
  `nodejs_gc_duration_seconds_count{kind="minor"} ${gcPauses}`,
  `nodejs_gc_duration_seconds_sum{kind="major"} ${gcSum / 10}`,
  `nodejs_gc_duration_seconds_count{kind="major"} ${gcPauses / 10}`,
  'raft_fsync_seconds_bucket{le="0.005"} 1',
  `raft_fsync_seconds_sum ${fsyncSum}`,
  `raft_fsync_seconds_count ${fsyncs}`,
  `raft_propose_commit_seconds_sum ${pcSum}`,
  `raft_propose_commit_seconds_count ${proposals}`,
].join('\n');

const gateway = (writes: number, sum: number, batches: number, ops: number, changes: number): string => [
  `gateway_http_request_duration_seconds_sum{route="status",method="GET"} 99`,
  `gateway_http_request_duration_seconds_count{route="status",method="GET"} 99`,
  `gateway_http_request_duration_seconds_sum{route="write",method="POST"} ${sum}`,
  `gateway_http_request_duration_seconds_count{route="write",method="POST"} ${writes}`,
  `gateway_batch_ops_sum ${ops}`,
  `gateway_batch_ops_count ${batches}`,
  `gateway_leader_changes_total{how="poll"} ${changes}`,
  `gateway_leader_changes_total{how="hint"} 1`,
].join('\n');

test('sums a metric over label sets, filtered by a label, and never a longer name', () => {
  const text = gateway(10, 0.5, 2, 10, 3);
  assert.is(metricSum(text, 'gateway_http_request_duration_seconds_count'), 109);
  assert.is(metricSum(text, 'gateway_http_request_duration_seconds_count', 'route="write"'), 10);
  assert.is(metricSum(text, 'gateway_leader_changes_total'), 4);
  assert.is(metricSum(node(1, 1, 1, 1), 'raft_fsync_seconds'), 0);
});

test('means and rates over the step come from the differences of two snapshots', () => {
  const a = { atMs: 0, cpuTicks: new Map([['node1', 100], ['gateway', 50]]), metrics: new Map([['node1', node(10, 0.05, 0, 0, 10, 0.01)], ['gateway', gateway(100, 1, 10, 100, 0)]]) };
  const b = { atMs: 2000, cpuTicks: new Map([['node1', 150], ['gateway', 250]]), metrics: new Map([['node1', node(110, 0.55, 400, 4, 50, 0.05)], ['gateway', gateway(500, 9, 50, 500, 2)]]) };
  const u = usageBetween(a, b);
  assert.equal(u.processes, [{ name: 'node1', cpuPercent: 25 }, { name: 'gateway', cpuPercent: 100 }]);
  assert.equal(u.nodes, [{ name: 'node1', fsyncs: 100, fsyncMeanMs: 5, proposals: 400, proposeCommitMeanMs: 10 }]);
  assert.equal(u.gateway, { writes: 400, writeMeanMs: 20, batches: 40, writesPerBatch: 10, leaderChanges: 2, retries: 0 });
  const lines = formatUsage(u);
  assert.match(lines.join('\n'), /gateway 100%/);
  assert.match(lines.join('\n'), /400 writes, mean 20\.00 ms; 40 batches, 10\.0 writes\/batch; 2 leader changes/);
  // minor and major pauses together: 40 + 4 pauses, 40 + 4 ms paused over 2 s; no GC series, no entry
  assert.equal(u.gc.map((g) => [g.name, g.pauses]), [['node1', 44]]);
  assert.ok(Math.abs(u.gc[0]!.pauseMeanMs! - 1) < 1e-9 && Math.abs(u.gc[0]!.pausedPercent - 2.2) < 1e-9, JSON.stringify(u.gc));
  assert.match(lines.join('\n'), /gc pauses {4}node1 44 x 1\.00 ms \(2\.2% of the time\)/);
});

test.run();
