// Pieces both report kinds share: checker results as views, the configuration table, colours.
import type { StoredCheckResult } from '../run-files/chaos-run-files.ts';
import type { StoredClusterConfig, StoredGitState } from '../run-files/stored-config.ts';
import type { CheckView } from './report-model.ts';

export const palette = {
  ok: '#2b8a3e',
  p50: '#1971c2',
  p99: '#e8590c',
  corrected: '#c2255c',
  raw: '#1971c2',
  election: '#7048e8',
  unavailability: '#e8590c',
  errors: ['#e03131', '#f08c00', '#9c36b5', '#495057', '#0c8599', '#a61e4d'],
  runs: ['#1971c2', '#c2255c', '#2b8a3e', '#e8590c'],
} as const;

export function checkViews(checks: Record<string, StoredCheckResult> | undefined): CheckView[] {
  return Object.entries(checks ?? {}).map(([name, c]) => {
    const { checker: _checker, valid, reason, ...details } = c;
    return { name, valid, reason: reason ?? null, details };
  });
}

type Row = [string, unknown];

/**
 * The configuration a reader needs to judge a run: the workload's own options first, then the
 * cluster's timeouts and fsync policy, then where it ran (runtime, versions, git).
 */
/** Runs stored before `snapshotLogRatio` existed snapshot on the entry count alone. */
function snapshotRule(raft: StoredClusterConfig['raft']): string | undefined {
  if (raft?.snapshotEntries === undefined) return undefined;
  const ratio = raft.snapshotLogRatio;
  const every = `every ${raft.snapshotEntries} entries`;
  return ratio === undefined || ratio === 0 ? every : `${every}, once the log since the last is ${ratio}× its size`;
}

export function configRows(own: Row[], run: { runtime?: string | undefined; startedAt?: string | undefined }, cluster: StoredClusterConfig | null | undefined, node: string | undefined, platform: string | undefined, git: StoredGitState | undefined): [string, string][] {
  const rows: Row[] = [...own];
  if (cluster) {
    rows.push(['nodes', cluster.nodeCount]);
    rows.push(['fsync policy', cluster.storage?.fsync]);
    rows.push(['election timeout', cluster.raft ? `${cluster.raft.electionTimeoutMsMin}–${cluster.raft.electionTimeoutMsMax} ms` : undefined]);
    rows.push(['heartbeat interval', cluster.raft?.heartbeatIntervalMs !== undefined ? `${cluster.raft.heartbeatIntervalMs} ms` : undefined]);
    rows.push(['pre-vote / check-quorum', cluster.raft ? `${cluster.raft.preVote} / ${cluster.raft.checkQuorum}` : undefined]);
    rows.push(['snapshots', snapshotRule(cluster.raft)]);
    rows.push(['gateway failover deadline', cluster.gateway?.failoverDeadlineMs !== undefined ? `${cluster.gateway.failoverDeadlineMs} ms` : undefined]);
    rows.push(['write coalescing', cluster.gateway?.coalesceWrites]);
    rows.push(['links', cluster.links?.mode]);
  } else {
    rows.push(['cluster configuration', 'not known (a remote target)']);
  }
  rows.push(['runtime', run.runtime]);
  rows.push(['started', run.startedAt]);
  rows.push(['node.js', node]);
  rows.push(['platform', platform]);
  rows.push(['git', git?.sha ? `${git.sha}${git.dirty ? ' (work tree had uncommitted changes)' : ''}` : undefined]);
  return rows.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [k, String(v)]);
}
