// Key metrics for the dashboard: the PromQL examples asked of Prometheus when it answers, and
// a few counters read straight from each node's /metrics either way, so the page has numbers
// even without Prometheus (and says plainly which source is down).
import type { ClusterConfig } from '../../cluster/config.ts';

export const promqlExamples: readonly { title: string; promql: string; unit: string }[] = [
  { title: 'committed writes per second (cluster)', promql: 'sum(rate(raft_writes_total[1m]))', unit: '/s' },
  { title: 'writes per second by node', promql: 'rate(raft_writes_total[1m])', unit: '/s' },
  { title: 'propose→commit p99', promql: 'histogram_quantile(0.99, sum by (le) (rate(raft_propose_commit_seconds_bucket[1m])))', unit: 's' },
  { title: 'fsync p99', promql: 'histogram_quantile(0.99, sum by (le) (rate(raft_fsync_seconds_bucket[1m])))', unit: 's' },
  { title: 'elections in the last 5 minutes', promql: 'sum(increase(raft_elections_total[5m]))', unit: '' },
  { title: 'replication lag (entries)', promql: 'max by (peer) (raft_replication_lag_entries)', unit: '' },
];

export interface PromAnswer {
  readonly url: string;
  readonly up: boolean;
  readonly error: string | null;
  readonly results: { title: string; promql: string; unit: string; value: string | null }[];
}

export async function askPrometheus(url: string): Promise<PromAnswer> {
  const results: PromAnswer['results'] = [];
  for (const q of promqlExamples) {
    try {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q.promql)}`, { signal: AbortSignal.timeout(1500) });
      if (!res.ok) return { url, up: false, error: `HTTP ${res.status} from ${url}`, results: [] };
      const body = await res.json() as { data?: { result?: { metric: Record<string, string>; value: [number, string] }[] } };
      const rows = body.data?.result ?? [];
      const value = rows.length === 0 ? 'no data' : rows.map((r) => {
        const labels = Object.entries(r.metric).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}=${v}`).join(',');
        return `${labels ? `${labels}: ` : ''}${Number(r.value[1]).toPrecision(4)}`;
      }).join('; ');
      results.push({ ...q, value });
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string }; message?: string };
      return { url, up: false, error: `Prometheus at ${url} is not reachable (${e.name === 'TimeoutError' ? 'timeout' : e.cause?.code ?? e.message})`, results: [] };
    }
  }
  return { url, up: true, error: null, results };
}

const directMetrics = ['raft_writes_total', 'raft_elections_total', 'raft_term', 'raft_commit_index', 'raft_applied_index'] as const;

/** Sums of a few metrics per node from the Prometheus text each node serves. */
export async function scrapeNodes(config: ClusterConfig): Promise<{ node: string; up: boolean; values: Record<string, number | null> }[]> {
  return Promise.all(config.nodes.map(async (n) => {
    try {
      const res = await fetch(`${n.url}/metrics`, { signal: AbortSignal.timeout(800) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return { node: n.id, up: true, values: sumMetrics(await res.text()) };
    } catch {
      return { node: n.id, up: false, values: Object.fromEntries(directMetrics.map((m) => [m, null])) };
    }
  }));
}

export function sumMetrics(text: string): Record<string, number | null> {
  const out: Record<string, number | null> = Object.fromEntries(directMetrics.map((m) => [m, null]));
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || !(m[1]! in out)) continue;
    const v = Number(m[3]);
    if (Number.isFinite(v)) out[m[1]!] = (out[m[1]!] ?? 0) + v;
  }
  return out;
}
