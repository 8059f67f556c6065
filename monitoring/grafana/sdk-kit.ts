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

/** Each fault the chaos runner applied, as a region from inject to heal. */
export const faultWindows = () => new AnnotationQueryBuilder().name('Fault windows').datasource(datasource).enable(true).iconColor('red')
  .expr('chaos_fault_active == 1').titleFormat('{{fault}} on {{target}}').step('1s');
/**
 * A node became leader: it leads now and its term moved within 5 s. Not increase() of the
 * elections counter: a restarted node's counter is born by that very increment, which increase() misses.
 */
export const leaderChanges = () => new AnnotationQueryBuilder().name('Leader changes').datasource(datasource).enable(true).iconColor('green')
  .expr('raft_state == 2 and changes(raft_term[5s]) > 0').titleFormat('leader: {{instance}}').step('1s');

export function dashboard(uid: string, title: string, description: string, tags: readonly string[]) {
  return new DashboardBuilder(title).uid(uid).description(description).tags(['raft-chaos', ...tags]).refresh('5s')
    .time({ from: 'now-15m', to: 'now' }).timezone('browser').editable()
    .annotation(faultWindows()).annotation(leaderChanges());
}
