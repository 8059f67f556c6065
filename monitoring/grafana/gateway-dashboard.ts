import { medianAndP99, type DashboardSpec } from './dashboard-model.ts';
import { faultWindowsQuery, leaderChangesQuery } from './annotation-queries.ts';

// Prometheus scrapes the gateway's /metrics each second; leaving that route out keeps the
// request panels about client traffic.
const clientRoutes = 'route!="metrics"';
const quantile = (q: number) =>
  `histogram_quantile(${q}, sum by (route, le) (rate(gateway_http_request_duration_seconds_bucket{${clientRoutes}}[$__rate_interval])))`;

export const gatewayDashboard: DashboardSpec = {
  uid: 'raft-gateway',
  title: 'Gateway',
  description: 'What clients see through the API gateway: requests, latency, failovers, retries and the circuit of each node (job gateway).',
  annotations: [
    faultWindowsQuery,
    leaderChangesQuery,
    { name: 'Gateway saw a new leader', expr: 'sum by (reason) (increase(gateway_leader_changes_total[5s])) > 0', title: 'leader change ({{reason}})', color: 'green' },
  ],
  rows: [
    {
      title: 'Requests',
      panels: [
        {
          title: 'Requests per second by route and status', type: 'timeseries', width: 12, unit: 'reqps',
          description: 'Answered client requests (gateway_http_requests_total).',
          queries: [{ expr: `sum by (route, status) (rate(gateway_http_requests_total{${clientRoutes}}[$__rate_interval]))`, legend: '{{route}} {{status}}' }],
        },
        {
          title: 'Error answers per second', type: 'timeseries', width: 12, unit: 'reqps',
          description: '4xx and 5xx answers by route and status: 503 is NO_LEADER or a timeout, 400 bad input.',
          queries: [{ expr: `sum by (route, status) (rate(gateway_http_requests_total{${clientRoutes},status=~"[45].."}[$__rate_interval]))`, legend: '{{route}} {{status}}' }],
        },
        {
          title: 'Latency p50 by route', type: 'timeseries', width: 12, unit: 's',
          description: 'Arrival to answer at the gateway, median.',
          queries: [{ expr: quantile(0.5), legend: '{{route}}' }],
        },
        {
          title: 'Latency p99 by route', type: 'timeseries', width: 12, unit: 's',
          description: 'Arrival to answer at the gateway, 99th percentile: a failover shows as a spike up to the failover deadline.',
          queries: [{ expr: quantile(0.99), legend: '{{route}}' }],
        },
      ],
    },
    {
      title: 'Failover',
      panels: [
        {
          title: 'Failovers, retries and NO_LEADER per second', type: 'timeseries', width: 12, unit: 'reqps',
          description: 'Requests answered by another node than the first tried; retries by what failed before them; 503 NO_LEADER after the deadline.',
          queries: [
            { expr: 'sum(rate(gateway_failovers_total[$__rate_interval]))', legend: 'failovers' },
            { expr: 'sum by (reason) (rate(gateway_retries_total[$__rate_interval]))', legend: 'retry after {{reason}}' },
            { expr: 'sum(rate(gateway_no_leader_total[$__rate_interval]))', legend: 'NO_LEADER answers' },
          ],
        },
        {
          title: 'Leader changes seen by the gateway per minute', type: 'timeseries', width: 12,
          description: 'By how the gateway learned of the new leader (status poll or NOT_LEADER hint).',
          queries: [{ expr: 'sum by (reason) (increase(gateway_leader_changes_total[1m]))', legend: '{{reason}}' }],
        },
        {
          title: 'Circuit per node', type: 'state-timeline', width: 12, height: 7,
          valueText: {
            0: { text: 'closed', color: 'green' }, 1: { text: 'half-open', color: 'yellow' },
            2: { text: 'open', color: 'red' }, 3: { text: 'isolated', color: 'purple' },
          },
          description: 'The gateway\'s circuit breaker for each node (gateway_circuit_state).',
          queries: [{ expr: 'gateway_circuit_state', legend: '{{node}}' }],
        },
        {
          title: 'Leader the gateway sends to', type: 'state-timeline', width: 12, height: 7,
          valueText: { 0: { text: '-', color: 'transparent' }, 1: { text: 'leader', color: 'green' } },
          description: 'gateway_leader: the node the gateway currently forwards writes to.',
          queries: [{ expr: 'gateway_leader', legend: '{{node}}' }],
        },
        {
          title: 'Circuit opens per minute', type: 'timeseries', width: 12,
          description: 'Times each node\'s circuit opened.',
          queries: [{ expr: 'sum by (node) (increase(gateway_circuit_opens_total[1m]))', legend: '{{node}}' }],
        },
      ],
    },
    {
      title: 'Batching and process',
      panels: [
        {
          title: 'Coalesced batches per second', type: 'timeseries', width: 6, unit: 'reqps',
          description: 'POST /api/batch requests the gateway sent to the leader; concurrent writes share one.',
          queries: [{ expr: 'sum(rate(gateway_batches_total[$__rate_interval]))', legend: 'batches' }],
        },
        {
          title: 'Writes per batch', type: 'timeseries', width: 6,
          description: 'Client writes coalesced into one batch, p50 and p99.',
          queries: medianAndP99('gateway_batch_ops_bucket'),
        },
        {
          title: 'Batch round trip p50 and p99', type: 'timeseries', width: 6, unit: 's',
          description: 'A batch from sending to the leader\'s answer: the network, the leader\'s HTTP handling and the Raft commit. A client write\'s latency above this is time queued in the gateway behind the batch in flight.',
          queries: medianAndP99('gateway_batch_duration_seconds_bucket'),
        },
        {
          title: 'Gateway memory and CPU', type: 'timeseries', width: 6, unit: 'short',
          description: 'Resident memory (MiB) and CPU (cores) of the gateway process.',
          queries: [
            { expr: 'process_resident_memory_bytes{job="gateway"} / 1048576', legend: 'RSS MiB' },
            { expr: 'rate(process_cpu_seconds_total{job="gateway"}[$__rate_interval])', legend: 'CPU cores' },
          ],
        },
      ],
    },
  ],
};
