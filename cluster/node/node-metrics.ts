import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RaftStatus } from '../raft/raft.ts';

/** What the status gauges show: the core's status, with the state machine's applied index. */
export type StatusForMetrics = Pick<RaftStatus, 'term' | 'role' | 'commit' | 'lastIndex' | 'progress'> & { readonly applied: number };

const latencyBucketsSeconds = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The node's Prometheus metrics; the first five names are the seed's and must not change. */
export function createNodeMetrics(peers: readonly string[] = []) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const r = [registry];
  const m = {
    registry,
    electionsTotal: new Counter({ name: 'raft_elections_total', help: 'Elections this node started (real votes, not PreVote rounds)', registers: r }),
    heartbeatSuccess: new Counter({ name: 'raft_heartbeat_success', help: 'Heartbeats delivered to a peer', registers: r }),
    heartbeatTotal: new Counter({ name: 'raft_heartbeat_total', help: 'Heartbeats sent to peers', registers: r }),
    writesTotal: new Counter({ name: 'raft_writes_total', help: 'Client writes committed and answered by this node as leader', registers: r }),
    leaderElections: new Counter({ name: 'raft_leader_elections', help: 'Times this node became leader', labelNames: ['node'], registers: r }),
    /** Where the status gauges read their values when scraped (set once the host exists). */
    statusSource: null as (() => StatusForMetrics | null) | null,
    proposeCommitSeconds: new Histogram({ name: 'raft_propose_commit_seconds', help: 'Proposal to applied on the leader', buckets: latencyBucketsSeconds, registers: r }),
    appendRpcSeconds: new Histogram({ name: 'raft_append_rpc_seconds', help: 'Leader: an append sent to a peer until its success response (network both ways and the follower fsync)', labelNames: ['peer'], buckets: latencyBucketsSeconds, registers: r }),
    fsyncSeconds: new Histogram({ name: 'raft_fsync_seconds', help: 'Persisting one ready batch that is synced (write + fdatasync); commit-only batches are written unsynced and not counted', buckets: latencyBucketsSeconds, registers: r }),
    peerRefused: new Counter({ name: 'raft_peer_refused_total', help: 'Peer batches or streams refused (no member certificate, malformed, out of bounds, or failed to step)', labelNames: ['reason'], registers: r }),
    authFailures: new Counter({ name: 'raft_auth_failures_total', help: 'Client or admin requests refused 401/403', labelNames: ['status'], registers: r }),
    peerSendErrors: new Counter({ name: 'raft_peer_send_errors_total', help: 'Peer message batches that failed to deliver', labelNames: ['peer'], registers: r }),
    snapshotsTotal: new Counter({ name: 'raft_snapshots_total', help: 'State-machine snapshots taken or installed', labelNames: ['kind'], registers: r }),
  };
  // The status gauges are read when scraped, not set on every ready batch: keeping them current
  // cost the leader a status object and five gauge updates per batch, at every write.
  const status = (): StatusForMetrics | null => m.statusSource?.() ?? null;
  new Gauge({ name: 'raft_term', help: 'Current term', registers: r, collect() { const s = status(); if (s) this.set(s.term); } });
  new Gauge({
    name: 'raft_state', help: 'Role: 0 follower, 1 candidate (incl. pre-candidate), 2 leader', registers: r,
    collect() { const s = status(); if (s) this.set(s.role === 'LEADER' ? 2 : s.role === 'FOLLOWER' ? 0 : 1); },
  });
  new Gauge({ name: 'raft_commit_index', help: 'Highest committed log index known', registers: r, collect() { const s = status(); if (s) this.set(s.commit); } });
  new Gauge({ name: 'raft_applied_index', help: 'Highest log index applied to the state machine', registers: r, collect() { const s = status(); if (s) this.set(s.applied); } });
  new Gauge({
    name: 'raft_replication_lag_entries', help: 'Leader only: entries a peer is behind', labelNames: ['peer'], registers: r,
    collect() {
      // Only a leader knows its followers' lag: a stale value must not outlive leadership.
      this.reset();
      const s = status();
      if (s?.role === 'LEADER') for (const p of s.progress) this.set({ peer: p.id }, Math.max(0, s.lastIndex - p.match));
    },
  });
  // Labelled counters exist from the start at 0: rate() cannot see a series' first increment.
  for (const peer of peers) m.peerSendErrors.inc({ peer }, 0);
  for (const kind of ['taken', 'installed']) m.snapshotsTotal.inc({ kind }, 0);
  return m;
}

export type NodeMetrics = ReturnType<typeof createNodeMetrics>;
