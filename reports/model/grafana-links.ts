// Links from a stored run to Grafana at that run's exact time range, for reports and the :8000
// dashboard. Only when GRAFANA_URL is set: without a Grafana there is nothing to link to.
export interface GrafanaLink {
  readonly title: string;
  readonly href: string;
}

/** Provisioned dashboards (monitoring/grafana/dashboards/*.json) by uid, per kind of run. */
const dashboardsByKind: Record<'chaos' | 'bench', readonly (readonly [uid: string, title: string])[]> = {
  chaos: [['chaos-experiment', 'Chaos experiment'], ['leader-election', 'Leader Election'], ['cluster-health', 'Cluster Health'], ['replication-lag', 'Replication Lag']],
  bench: [['benchmark', 'Benchmark'], ['write-performance', 'Write Performance'], ['cluster-health', 'Cluster Health']],
};

/** GRAFANA_URL as an http(s) origin with an optional path prefix, or null (unset or not a URL). */
export function grafanaBase(env: NodeJS.ProcessEnv = process.env): string | null {
  const raw = env.GRAFANA_URL?.trim();
  if (!raw) return null;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return null;
  }
}

/**
 * One link per dashboard that shows this kind of run: `from`/`to` in epoch ms (Grafana's absolute
 * range) and the run's id as `var-run_id`, which the run dashboards filter on.
 */
export function grafanaLinks(base: string | null, kind: 'chaos' | 'bench' | 'other', runId: string, fromMs: number, toMs: number): GrafanaLink[] {
  if (base === null || kind === 'other' || !Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs < fromMs) return [];
  const query = new URLSearchParams({ orgId: '1', from: String(Math.floor(fromMs)), to: String(Math.ceil(toMs)), 'var-run_id': runId });
  return dashboardsByKind[kind].map(([uid, title]) => ({ title, href: `${base}/d/${uid}/${uid}?${query.toString()}` }));
}
