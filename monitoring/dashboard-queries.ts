// Every PromQL expression a provisioned dashboard will send, with where it comes from, so a test
// can run each one against a real Prometheus instead of trusting that the JSON looks right.

export interface DashboardQuery {
  /** "Raft cluster / Term per node / A" or "Raft cluster / annotation Leader changes". */
  readonly source: string;
  readonly expr: string;
  /** Legend template ({{label}}); empty for annotations' titles that name no label. */
  readonly legend: string;
}

interface PanelJson {
  readonly title?: string;
  readonly panels?: readonly PanelJson[];
  readonly targets?: readonly { refId?: string; expr?: string; legendFormat?: string }[];
}

interface DashboardJson {
  readonly title: string;
  readonly panels?: readonly PanelJson[];
  readonly annotations?: { list?: readonly { name?: string; expr?: string; titleFormat?: string }[] };
}

/** Panels, panels nested in collapsed rows, and Prometheus annotations. */
export function dashboardQueries(dashboard: DashboardJson): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const walk = (panels: readonly PanelJson[] | undefined): void => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) {
        if (typeof t.expr === 'string') out.push({ source: `${dashboard.title} / ${p.title} / ${t.refId}`, expr: t.expr, legend: t.legendFormat ?? '' });
      }
      walk(p.panels);
    }
  };
  walk(dashboard.panels);
  for (const a of dashboard.annotations?.list ?? []) {
    if (typeof a.expr === 'string') out.push({ source: `${dashboard.title} / annotation ${a.name}`, expr: a.expr, legend: a.titleFormat ?? '' });
  }
  return out;
}

/**
 * Grafana's interval variables as Grafana would fill them for a Prometheus whose datasource
 * says timeInterval 1s: $__rate_interval = max($__interval + scrape, 4 * scrape) = 4 s at a
 * 1 s step. Any `$` left afterwards is a variable this function does not know: an error.
 */
export function expandGrafanaVariables(expr: string, stepSeconds: number, variables: Readonly<Record<string, string>> = { run_id: '.*' }): string {
  const scrapeSeconds = 1;
  const rateInterval = Math.max(stepSeconds + scrapeSeconds, 4 * scrapeSeconds);
  let expanded = expr
    .replaceAll('$__rate_interval', `${rateInterval}s`)
    .replaceAll('$__interval', `${stepSeconds}s`);
  // Dashboard variables (e.g. $run_id, whose "All" is .*), as a link's var-… sets them.
  for (const [name, value] of Object.entries(variables)) expanded = expanded.replaceAll(`$${name}`, value);
  if (expanded.includes('$')) throw new Error(`unknown Grafana variable in: ${expr}`);
  return expanded;
}

/** The labels a legend template names: "{{instance}} → {{peer}}" gives instance, peer. */
export function legendLabels(legend: string): string[] {
  return [...legend.matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
}
