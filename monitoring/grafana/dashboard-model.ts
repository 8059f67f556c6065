// A small model of the Grafana dashboard JSON we provision: rows of panels laid out left to
// right on Grafana's 24-column grid. Only the fields Grafana needs are written; it fills in the
// rest on load, so the committed JSON stays short enough to review.

/** Must equal the uid in provisioning/datasources/prometheus.yml. */
export const datasource = { type: 'prometheus', uid: 'raft-chaos-prometheus' } as const;

export interface Query {
  readonly expr: string;
  /** Grafana legend template: {{label}} must be a label every returned series has. */
  readonly legend: string;
}

/** p50 and p99 of a histogram over Grafana's rate interval, summed across series. */
export function medianAndP99(bucketMetric: string): Query[] {
  return [['0.5', 'p50'], ['0.99', 'p99']].map(([q, legend]) => ({
    expr: `histogram_quantile(${q}, sum by (le) (rate(${bucketMetric}[$__rate_interval])))`, legend: legend!,
  }));
}

export interface ValueText {
  readonly text: string;
  readonly color: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly type: 'timeseries' | 'stat' | 'state-timeline';
  readonly queries: readonly Query[];
  /** Grafana unit id: s, bytes, percentunit, wps, reqps, short, none. */
  readonly unit?: string;
  /** Columns out of 24. */
  readonly width?: number;
  readonly height?: number;
  readonly min?: number;
  readonly max?: number;
  /** Exact values shown as text (states, circuit positions). */
  readonly valueText?: Readonly<Record<string, ValueText>>;
  /** Stat panels: thresholds from low to high, the first one's value is ignored (base). */
  readonly thresholds?: readonly { value: number | null; color: string }[];
  /** Stat panels: show the series name instead of its value (e.g. who is leader). */
  readonly showName?: boolean;
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

export interface AnnotationSpec {
  readonly name: string;
  readonly expr: string;
  readonly title: string;
  readonly color: string;
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly rows: readonly RowSpec[];
  readonly annotations?: readonly AnnotationSpec[];
}

type Json = Record<string, unknown>;

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function fieldConfig(p: PanelSpec): Json {
  const defaults: Json = { unit: p.unit ?? 'short' };
  if (p.min !== undefined) defaults.min = p.min;
  if (p.max !== undefined) defaults.max = p.max;
  if (p.valueText) {
    const options: Json = {};
    Object.entries(p.valueText).forEach(([value, v], index) => { options[value] = { text: v.text, color: v.color, index }; });
    defaults.mappings = [{ type: 'value', options }];
  }
  defaults.thresholds = { mode: 'absolute', steps: (p.thresholds ?? [{ value: null, color: 'green' }]).map((t, i) => ({ color: t.color, value: i === 0 ? null : t.value })) };
  defaults.color = { mode: p.type === 'timeseries' ? 'palette-classic' : 'thresholds' };
  if (p.type === 'timeseries') defaults.custom = { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never', spanNulls: false };
  if (p.type === 'state-timeline') defaults.custom = { fillOpacity: 80, lineWidth: 0 };
  return { defaults, overrides: [] };
}

function options(p: PanelSpec): Json {
  switch (p.type) {
    case 'timeseries':
      return { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } };
    case 'state-timeline':
      return { showValue: 'auto', mergeValues: true, rowHeight: 0.9, legend: { displayMode: 'list', placement: 'bottom', showLegend: true } };
    case 'stat':
      return {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        textMode: p.showName ? 'name' : 'value', colorMode: 'background', graphMode: 'none', justifyMode: 'auto',
      };
  }
}

/** The dashboard JSON Grafana provisions from monitoring/grafana/dashboards/. */
export function buildDashboard(spec: DashboardSpec): Json {
  const panels: Json[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({ type: 'row', id: id++, title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const p of row.panels) {
      const w = p.width ?? 8;
      const h = p.height ?? 8;
      if (x + w > 24) { y += rowHeight; x = 0; rowHeight = 0; }
      panels.push({
        type: p.type, id: id++, title: p.title, description: p.description, datasource,
        gridPos: { h, w, x, y },
        targets: p.queries.map((q, i) => ({ refId: refIds[i], datasource, expr: q.expr, legendFormat: q.legend, range: true, instant: false })),
        fieldConfig: fieldConfig(p), options: options(p),
      });
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return {
    uid: spec.uid, title: spec.title, description: spec.description, tags: ['raft-chaos'],
    editable: true, graphTooltip: 1, schemaVersion: 39, version: 1, timezone: 'browser',
    // Grafana's default min_refresh_interval is 5s; the data underneath is scraped every second.
    refresh: '5s', time: { from: 'now-15m', to: 'now' },
    links: [{ type: 'dashboards', tags: ['raft-chaos'], asDropdown: false, title: 'raft-chaos dashboards', includeVars: false, keepTime: true }],
    annotations: {
      list: [
        { builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, hide: true, iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts', type: 'dashboard' },
        ...(spec.annotations ?? []).map((a) => ({
          name: a.name, datasource, enable: true, iconColor: a.color, expr: a.expr, step: '1s', titleFormat: a.title, useValueForTime: false,
        })),
      ],
    },
    templating: { list: [] },
    panels,
  };
}
