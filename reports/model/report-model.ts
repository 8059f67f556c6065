// What a report page shows, independent of where it came from (chaos runner or bench CLI).
// Charts travel to the page as data (ChartSpec) and are drawn there by uPlot; everything
// else is rendered to HTML up front so the page reads even with scripts off.
import type { GrafanaLink } from './grafana-links.ts';

export type Verdict = 'valid' | 'invalid' | 'unknown' | 'passed' | 'failed' | 'none';

export interface SeriesSpec {
  readonly label: string;
  readonly values: (number | null)[];
  readonly color: string;
  readonly dash?: boolean;
  /** Which y axis: "count" (left) or "ms" (right); a chart with one kind uses the left axis. */
  readonly scale?: 'count' | 'ms';
}

export interface BandSpec { readonly from: number; readonly to: number; readonly label: string }
export interface MarkSpec { readonly x: number; readonly label: string }

export interface ChartSpec {
  readonly id: string;
  readonly kind: 'timeline' | 'percentile' | 'bars';
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly x: number[];
  readonly series: SeriesSpec[];
  readonly bands?: BandSpec[];
  readonly marks?: MarkSpec[];
  readonly yLog?: boolean;
}

export interface Table {
  readonly caption?: string;
  readonly head: string[];
  readonly rows: (string | number | null)[][];
  /** Column indexes holding numbers (right-aligned). */
  readonly numeric?: number[];
}

export interface CheckView {
  readonly name: string;
  readonly valid: true | false | 'unknown';
  readonly reason: string | null;
  readonly details: Record<string, unknown>;
}

export interface TimelineOp {
  readonly process: number;
  readonly label: string;
  readonly outcome: 'ok' | 'fail' | 'info';
  readonly fromMs: number;
  /** null: never returned (info), drawn to the edge of the picture. */
  readonly toMs: number | null;
  readonly blocking: boolean;
}

export interface CounterexampleView {
  readonly checker: string;
  readonly text: string;
  readonly ops: TimelineOp[];
}

export interface Section {
  readonly id: string;
  readonly title: string;
  /** One or two sentences a reader needs before the figure. */
  readonly intro?: string;
  readonly charts?: string[];
  readonly tables?: Table[];
  readonly html?: string;
}

export interface ReportModel {
  readonly id: string;
  readonly kind: 'chaos' | 'bench' | 'other';
  readonly title: string;
  readonly startedAt: string | null;
  readonly verdict: Verdict;
  readonly headline: string;
  readonly reasons: string[];
  readonly reproduce: string | null;
  readonly config: [string, string][];
  readonly sections: Section[];
  readonly charts: ChartSpec[];
  readonly checks: CheckView[];
  readonly counterexamples: CounterexampleView[];
  readonly files: readonly string[];
  /** What the report could not show and why (a missing file, an aborted run). */
  readonly notes: string[];
  /** Key figures for the runs index. */
  readonly figures: Record<string, string>;
  /** Grafana at this run's time range (GRAFANA_URL set); none otherwise. */
  readonly grafana?: readonly GrafanaLink[];
}
