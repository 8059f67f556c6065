// The few shapes our dashboards are made of, on Grafana's own typed builders
// (@grafana/grafana-foundation-sdk): time series, state timelines, stats, and the annotations
// every time-based dashboard shares (fault windows from the chaos runner, leader changes).
import * as common from '@grafana/grafana-foundation-sdk/common';
import { AnnotationQueryBuilder, DashboardBuilder, MappingType, ThresholdsConfigBuilder, ThresholdsMode, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { datasource } from './dashboard-model.ts';
import { faultWindowsQuery, leaderChangesQuery } from './annotation-queries.ts';

export interface Q {
  readonly expr: string;
  readonly legend: string;
}

export interface Size {
  readonly w: number;
  readonly h: number;
}

const targets = (qs: readonly Q[]) => qs.map((q, i) => new DataqueryBuilder().datasource(datasource).expr(q.expr).legendFormat(q.legend).refId(String.fromCharCode(65 + i)));

export const rate = (metric: string, by: string) => `sum by (${by}) (rate(${metric}[$__rate_interval]))`;
export const quantile = (q: number, metric: string, by: string) => `histogram_quantile(${q}, sum by (${by}le) (rate(${metric}_bucket[$__rate_interval])))`;
/** Over the whole run so far: chaos histograms get a few observations a minute, too few for rate(). */
export const runQuantile = (q: number, metric: string) => `histogram_quantile(${q}, sum by (le) (${metric}_bucket))`;

export function timeseries(title: string, description: string, qs: readonly Q[], unit: string, size: Size, min?: number) {
  const p = new TimeseriesPanel().title(title).description(description).datasource(datasource).unit(unit).height(size.h).span(size.w).fillOpacity(10).lineWidth(1).showPoints(common.VisibilityMode.Never);
  if (min !== undefined) p.min(min);
  for (const t of targets(qs)) p.withTarget(t);
  return p;
}

export function stateTimeline(title: string, description: string, qs: readonly Q[], values: Record<string, { text: string; color: string }>, size: Size) {
  const mapping: ValueMapping = { type: MappingType.ValueToText, options: Object.fromEntries(Object.entries(values).map(([v, r], i) => [v, { text: r.text, color: r.color, index: i }])) };
  const p = new StateTimelinePanel().title(title).description(description).datasource(datasource).height(size.h).span(size.w).mappings([mapping]);
  for (const t of targets(qs)) p.withTarget(t);
  return p;
}

export function stat(title: string, description: string, qs: readonly Q[], size: Size, steps: readonly { value: number | null; color: string }[], unit = 'none', showName = false) {
  const p = new StatPanel().title(title).description(description).datasource(datasource).unit(unit).height(size.h).span(size.w)
    .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps.map((s) => ({ value: s.value, color: s.color }))))
    .textMode(showName ? common.BigValueTextMode.Name : common.BigValueTextMode.Auto);
  for (const t of targets(qs)) p.withTarget(t);
  return p;
}

export const faultWindows = () => new AnnotationQueryBuilder().name(faultWindowsQuery.name).datasource(datasource).enable(true)
  .iconColor(faultWindowsQuery.color).expr(faultWindowsQuery.expr).titleFormat(faultWindowsQuery.title).step('1s');
export const leaderChanges = () => new AnnotationQueryBuilder().name(leaderChangesQuery.name).datasource(datasource).enable(true)
  .iconColor(leaderChangesQuery.color).expr(leaderChangesQuery.expr).titleFormat(leaderChangesQuery.title).step('1s');

export function dashboard(uid: string, title: string, description: string, tags: readonly string[]) {
  return new DashboardBuilder(title).uid(uid).description(description).tags(['raft-chaos', ...tags]).refresh('5s')
    .time({ from: 'now-15m', to: 'now' }).timezone('browser').editable()
    .annotation(faultWindows()).annotation(leaderChanges());
}
