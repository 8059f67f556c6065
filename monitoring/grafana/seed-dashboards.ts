// The four dashboards the project's brief names (Leader Election, Cluster Health, Write
// Performance, Replication Lag), each with the fault-window and leader-change annotations, so a
// user watching one during a chaos run sees what the runner is doing to the cluster.
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard, quantile, rate, runQuantile, stat, stateTimeline, timeseries } from './sdk-kit.ts';

const roles = { 0: { text: 'follower', color: 'blue' }, 1: { text: 'candidate', color: 'orange' }, 2: { text: 'leader', color: 'green' } };
const upDown = { 0: { text: 'down', color: 'red' }, 1: { text: 'up', color: 'green' } };
const half = { w: 12, h: 8 };
const third = { w: 8, h: 8 };
const quarter = { w: 6, h: 6 };

export const leaderElectionDashboard = () => dashboard('leader-election', 'Leader Election',
  'Who leads, in which term, how often elections start and how long they take after a fault.', ['raft'])
  .withRow(new RowBuilder('Leadership'))
  .withPanel(stateTimeline('Role per node', 'raft_state: follower, candidate (PreVote included) or leader. A gap: the node did not answer the scrape.', [{ expr: 'raft_state', legend: '{{instance}}' }], roles, half))
  .withPanel(timeseries('Term per node', 'raft_term. A partitioned node that keeps campaigning without PreVote would climb here.', [{ expr: 'raft_term', legend: '{{instance}}' }], 'none', half))
  .withPanel(stat('Leaders now', 'Nodes reporting leader: 1 is healthy, 0 is an election in progress, 2 is a deposed leader that has not heard yet.', [{ expr: 'cluster:raft_leaders:count', legend: 'leaders' }], quarter, [{ value: null, color: 'red' }, { value: 1, color: 'green' }, { value: 2, color: 'orange' }]))
  .withPanel(timeseries('Elections started', 'Real elections (PreVote rounds excluded) per node over the last minute.', [{ expr: 'sum by (instance) (increase(raft_elections_total[1m]))', legend: '{{instance}}' }], 'short', { w: 9, h: 6 }, 0))
  .withPanel(timeseries('Leaders elected', 'Times a node became leader over the last minute.', [{ expr: 'cluster:raft_leader_changes:increase1m', legend: 'leader changes' }], 'short', { w: 9, h: 6 }, 0))
  .withRow(new RowBuilder('After a fault (chaos runner)'))
  .withPanel(timeseries('Election time', 'Fault to the next leader, over the trials of the run in progress (chaos_election_seconds).', [
    { expr: runQuantile(0.5, 'chaos_election_seconds'), legend: 'p50' }, { expr: runQuantile(0.99, 'chaos_election_seconds'), legend: 'p99' }], 's', half, 0))
  .withPanel(timeseries('Unavailability', 'Fault to the first successful write invoked after it (chaos_unavailability_seconds).', [
    { expr: runQuantile(0.5, 'chaos_unavailability_seconds'), legend: 'p50' }, { expr: runQuantile(0.99, 'chaos_unavailability_seconds'), legend: 'p99' }], 's', half, 0));

export const clusterHealthDashboard = () => dashboard('cluster-health', 'Cluster Health',
  'Is every member up, is there one leader, are the gateway\'s circuits closed, and what each process costs.', ['raft'])
  .withRow(new RowBuilder('Members'))
  .withPanel(stateTimeline('Nodes answer scrapes', 'up{job="raft-node"}: 0 while a node is killed, stopped or paused. A partitioned node stays up: it is scraped directly.', [{ expr: 'up{job="raft-node"}', legend: '{{instance}}' }], upDown, half))
  .withPanel(stateTimeline('Gateway circuit per node', 'gateway_circuit_state: the gateway\'s circuit breaker for each node.', [{ expr: 'gateway_circuit_state', legend: '{{node}}' }],
    { 0: { text: 'closed', color: 'green' }, 1: { text: 'half-open', color: 'yellow' }, 2: { text: 'open', color: 'red' }, 3: { text: 'isolated', color: 'purple' } }, half))
  .withPanel(stat('Leaders now', 'Nodes reporting leader.', [{ expr: 'cluster:raft_leaders:count', legend: 'leaders' }], quarter, [{ value: null, color: 'red' }, { value: 1, color: 'green' }, { value: 2, color: 'orange' }]))
  .withPanel(timeseries('Gateway answers NO_LEADER', 'Requests the gateway gave up on at its failover deadline, per second.', [{ expr: 'sum(rate(gateway_no_leader_total[$__rate_interval]))', legend: 'NO_LEADER' }], 'reqps', { w: 9, h: 6 }, 0))
  .withPanel(timeseries('Peer send errors', 'Peer message batches that failed to deliver, per second, by sender and peer.', [{ expr: rate('raft_peer_send_errors_total', 'instance, peer'), legend: '{{instance}} → {{peer}}' }], 'short', { w: 9, h: 6 }, 0))
  .withRow(new RowBuilder('Processes'))
  .withPanel(timeseries('CPU per process', 'Cores used by each node, the gateway, the chaos runner and the load generator.', [{ expr: rate('process_cpu_seconds_total', 'job, instance'), legend: '{{instance}}' }], 'percentunit', half, 0))
  .withPanel(timeseries('Resident memory', 'RSS of each process.', [{ expr: 'process_resident_memory_bytes', legend: '{{instance}}' }], 'bytes', half, 0));

export const writePerformanceDashboard = () => dashboard('write-performance', 'Write Performance',
  'Committed writes per second and where a write\'s time goes: the gateway, propose to commit, and the disk.', ['raft'])
  .withRow(new RowBuilder('Throughput'))
  .withPanel(timeseries('Committed writes', 'Client writes committed per second, cluster-wide and per node.', [
    { expr: 'cluster:raft_writes:rate5s', legend: 'cluster' }, { expr: 'instance:raft_writes:rate5s', legend: '{{instance}}' }], 'wps', half, 0))
  .withPanel(timeseries('Gateway requests by status', 'Requests per second through the gateway by route and status.', [{ expr: rate('gateway_http_requests_total', 'route, status'), legend: '{{route}} {{status}}' }], 'reqps', half, 0))
  .withRow(new RowBuilder('Latency'))
  .withPanel(timeseries('Gateway latency', 'Request duration at the gateway, p50 and p99.', [
    { expr: quantile(0.5, 'gateway_http_request_duration_seconds', ''), legend: 'p50' }, { expr: quantile(0.99, 'gateway_http_request_duration_seconds', ''), legend: 'p99' }], 's', third, 0))
  .withPanel(timeseries('Propose to commit', 'On the leader, from proposal to applied (recording rules, 10 s window).', [
    { expr: 'cluster:raft_propose_commit_seconds:p50_10s', legend: 'p50' }, { expr: 'cluster:raft_propose_commit_seconds:p99_10s', legend: 'p99' }], 's', third, 0))
  .withPanel(timeseries('fsync p99 per node', 'Write + fdatasync of the WAL, p99 over 10 s.', [{ expr: 'instance:raft_fsync_seconds:p99_10s', legend: '{{instance}}' }], 's', third, 0))
  .withPanel(timeseries('Client latency in the chaos run', 'What the chaos runner\'s clients saw for successful calls, p99 per function (from the due time).', [{ expr: quantile(0.99, 'chaos_client_latency_seconds', 'f, '), legend: '{{f}}' }], 's', half, 0))
  .withPanel(timeseries('Gateway batch size', 'Writes per coalesced batch sent to the leader, p50.', [{ expr: quantile(0.5, 'gateway_batch_ops', ''), legend: 'p50' }], 'short', half, 0));

export const replicationLagDashboard = () => dashboard('replication-lag', 'Replication Lag',
  'How far each follower is behind the leader, and how long the leader\'s appends take to come back.', ['raft'])
  .withRow(new RowBuilder('Lag'))
  .withPanel(timeseries('Entries behind, per peer', 'The current leader\'s view: entries each peer lacks (raft_replication_lag_entries).', [{ expr: 'instance_peer:raft_replication_lag_entries:leader', legend: '{{instance}} → {{peer}}' }], 'short', half, 0))
  .withPanel(timeseries('Commit index behind the highest', 'max(raft_commit_index) minus each node\'s: a node that lost its leader or its links falls behind here.', [{ expr: 'scalar(max(raft_commit_index)) - raft_commit_index', legend: '{{instance}}' }], 'short', half, 0))
  .withPanel(timeseries('Applied behind committed', 'Per node: committed entries not yet applied to the state machine.', [{ expr: 'raft_commit_index - raft_applied_index', legend: '{{instance}}' }], 'short', half, 0))
  .withPanel(timeseries('Append round trip p99', 'Leader: an append sent to a peer until its success (network both ways and the follower\'s fsync).', [{ expr: quantile(0.99, 'raft_append_rpc_seconds', 'peer, '), legend: '{{peer}}' }], 's', half, 0));
