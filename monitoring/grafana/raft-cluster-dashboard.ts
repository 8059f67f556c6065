import type { DashboardSpec } from './dashboard-model.ts';
import { faultWindowsQuery, leaderChangesQuery } from './annotation-queries.ts';

// Hot expressions come from the recording rules (monitoring/rules/raft-recording.yml); the rest
// use $__rate_interval, which Grafana keeps at four scrapes or more whatever the zoom.
const rate = (metric: string, by: string) => `sum by (${by}) (rate(${metric}[$__rate_interval]))`;
const quantile = (q: number, metric: string, by: string) =>
  `histogram_quantile(${q}, sum by (${by}, le) (rate(${metric}_bucket[$__rate_interval])))`;

const roles = {
  0: { text: 'follower', color: 'blue' },
  1: { text: 'candidate', color: 'orange' },
  2: { text: 'leader', color: 'green' },
};

export const raftClusterDashboard: DashboardSpec = {
  uid: 'raft-cluster',
  title: 'Raft cluster',
  description: 'Leadership, log progress, replication and latency of every Raft node, scraped each second (job raft-node).',
  annotations: [
    faultWindowsQuery,
    leaderChangesQuery,
    { name: 'Node down', expr: 'up{job="raft-node"} == 0', title: 'down: {{instance}}', color: 'red' },
  ],
  rows: [
    {
      title: 'Leadership',
      panels: [
        {
          title: 'Role per node', type: 'state-timeline', width: 12, height: 7, valueText: roles,
          description: 'raft_state over time. Candidate includes PreVote rounds. A gap means the node did not answer the scrape (killed, stopped or paused).',
          queries: [{ expr: 'raft_state', legend: '{{instance}}' }],
        },
        {
          title: 'Answers scrapes', type: 'state-timeline', width: 6, height: 7,
          valueText: { 0: { text: 'down', color: 'red' }, 1: { text: 'up', color: 'green' } },
          description: 'Prometheus up: 0 while a node is killed, stopped or paused. A partitioned node stays up: it is scraped directly, not through the links proxy.',
          queries: [{ expr: 'up{job="raft-node"}', legend: '{{instance}}' }],
        },
        {
          title: 'Leaders now', type: 'stat', width: 3, height: 7,
          thresholds: [{ value: null, color: 'red' }, { value: 1, color: 'green' }, { value: 2, color: 'orange' }],
          description: 'Nodes reporting the leader role. 0 for more than 2 s fires RaftNoLeader. Briefly 2 is normal (a deposed leader not yet told); two leaders of one term fire RaftTwoLeadersInOneTerm.',
          queries: [{ expr: 'cluster:raft_leaders:count', legend: 'leaders' }],
        },
        {
          title: 'Leader', type: 'stat', width: 3, height: 7, showName: true,
          description: 'The node whose raft_state is leader.',
          queries: [{ expr: 'raft_state == 2', legend: '{{instance}}' }],
        },
        {
          title: 'Term per node', type: 'timeseries', width: 8,
          description: 'raft_term. Nodes in different terms for long means a node cannot hear the leader.',
          queries: [{ expr: 'raft_term', legend: '{{instance}}' }],
        },
        {
          title: 'Elections and leader changes per minute', type: 'timeseries', width: 8,
          description: 'Real elections started (PreVote rounds excluded) and leaders elected, over the last minute.',
          queries: [
            { expr: 'cluster:raft_elections:increase1m', legend: 'elections started' },
            { expr: 'cluster:raft_leader_changes:increase1m', legend: 'leaders elected' },
            { expr: 'sum by (instance) (increase(raft_elections_total[1m]))', legend: 'started by {{instance}}' },
          ],
        },
        {
          title: 'Heartbeat success ratio', type: 'timeseries', width: 8, unit: 'percentunit', min: 0, max: 1,
          description: 'Heartbeats delivered / heartbeats sent, per sending node (only leaders send them).',
          queries: [{ expr: `${rate('raft_heartbeat_success', 'instance')} / ${rate('raft_heartbeat_total', 'instance')}`, legend: '{{instance}}' }],
        },
      ],
    },
    {
      title: 'Log',
      panels: [
        {
          title: 'Commit index', type: 'timeseries', width: 8,
          description: 'raft_commit_index per node: flat lines on all nodes while writes are offered means no progress.',
          queries: [{ expr: 'raft_commit_index', legend: '{{instance}}' }],
        },
        {
          title: 'Applied index', type: 'timeseries', width: 8,
          description: 'raft_applied_index, and how far application trails commit on each node.',
          queries: [
            { expr: 'raft_applied_index', legend: '{{instance}}' },
            { expr: 'raft_commit_index - raft_applied_index', legend: 'not yet applied on {{instance}}' },
          ],
        },
        {
          title: 'Replication lag per peer (leader view)', type: 'timeseries', width: 8,
          description: 'Entries each peer is behind, as the current leader sees it. Lag above 1000 for 5 s fires RaftReplicationLagHigh.',
          queries: [{ expr: 'instance_peer:raft_replication_lag_entries:leader', legend: '{{instance}} → {{peer}}' }],
        },
      ],
    },
    {
      title: 'Throughput and latency',
      panels: [
        {
          title: 'Writes committed per second', type: 'timeseries', width: 8, unit: 'wps',
          description: 'Client writes committed and answered by the leader (raft_writes_total), over 5 s.',
          queries: [
            { expr: 'cluster:raft_writes:rate5s', legend: 'cluster' },
            { expr: 'instance:raft_writes:rate5s', legend: '{{instance}}' },
          ],
        },
        {
          title: 'Propose → commit latency', type: 'timeseries', width: 8, unit: 's',
          description: 'From a proposal on the leader to its application there, p50 and p99 over 10 s.',
          queries: [
            { expr: 'cluster:raft_propose_commit_seconds:p50_10s', legend: 'p50' },
            { expr: 'cluster:raft_propose_commit_seconds:p99_10s', legend: 'p99' },
          ],
        },
        {
          title: 'fsync p99 per node', type: 'timeseries', width: 8, unit: 's',
          description: 'Persisting one ready batch (write + fdatasync), p99 over 10 s. Above 100 ms for 10 s fires RaftFsyncP99High.',
          queries: [{ expr: 'instance:raft_fsync_seconds:p99_10s', legend: '{{instance}}' }],
        },
        {
          title: 'Append round trip p99 per link', type: 'timeseries', width: 8, unit: 's',
          description: 'Leader only: an append sent to a follower until its success response (both network legs and the follower fsync). Link toxics (latency, bandwidth) show here first.',
          queries: [{ expr: quantile(0.99, 'raft_append_rpc_seconds', 'instance, peer'), legend: '{{instance}} → {{peer}}' }],
        },
        {
          title: 'Peer send errors per second', type: 'timeseries', width: 8,
          description: 'Peer message batches that failed to deliver, by link. Partitions and killed peers show here.',
          queries: [{ expr: rate('raft_peer_send_errors_total', 'instance, peer'), legend: '{{instance}} → {{peer}}' }],
        },
        {
          title: 'Snapshots per minute', type: 'timeseries', width: 8,
          description: 'State-machine snapshots taken (log compaction) or installed (a lagging follower caught up by InstallSnapshot).',
          queries: [{ expr: 'sum by (instance, kind) (increase(raft_snapshots_total[1m]))', legend: '{{instance}} {{kind}}' }],
        },
      ],
    },
    {
      title: 'Processes',
      panels: [
        {
          title: 'Resident memory per node', type: 'timeseries', width: 8, unit: 'bytes',
          description: 'process_resident_memory_bytes of each node process.',
          queries: [{ expr: 'process_resident_memory_bytes{job="raft-node"}', legend: '{{instance}}' }],
        },
        {
          title: 'CPU per node', type: 'timeseries', width: 8, unit: 'percentunit',
          description: 'CPU time per second of each node process (1 = one core).',
          queries: [{ expr: 'rate(process_cpu_seconds_total{job="raft-node"}[$__rate_interval])', legend: '{{instance}}' }],
        },
        {
          title: 'Event loop lag p99 per node', type: 'timeseries', width: 8, unit: 's',
          description: 'A stalled event loop delays heartbeats and can cost a leader its term.',
          queries: [{ expr: 'nodejs_eventloop_lag_p99_seconds{job="raft-node"}', legend: '{{instance}}' }],
        },
      ],
    },
  ],
};
