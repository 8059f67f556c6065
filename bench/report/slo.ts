// k6-style thresholds on a run's summary: --slo "p99<10ms,errors<0.1%,okPerSec>=450".
// Grammar (strict; anything else is a UsageError before any load is sent):
//   rules   = rule ("," rule)*
//   rule    = metric op value
//   metric  = ["raw."] ("p50" | "p90" | "p99" | "p999" | "max")  value: number + ms|s|us
//           | "errors"      value: number + "%" (share of requests) or a whole number (count)
//           | "okPerSec"    value: number (ok responses per second)
//   op      = "<" | "<=" | ">" | ">="
// Latency rules read corrected latency (from the intended send time) when the run has it and
// raw service time otherwise; "raw." forces service time.
import { UsageError } from '../../cluster/common/cli-usage.ts';
import { headlineLatency } from './run-summary.ts';
import type { LatencySummaryMs, RunSummary } from './run-summary.ts';

type Op = '<' | '<=' | '>' | '>=';
type LatencyKey = 'p50' | 'p90' | 'p99' | 'p999' | 'max';

export type SloRule =
  | { text: string; kind: 'latency'; raw: boolean; key: LatencyKey; op: Op; limitMs: number }
  | { text: string; kind: 'errorRate'; op: Op; limit: number }
  | { text: string; kind: 'errorCount'; op: Op; limit: number }
  | { text: string; kind: 'okPerSec'; op: Op; limit: number };

export interface SloVerdict {
  rule: SloRule;
  /** In the rule's own unit: ms, fraction, count or per second. */
  actual: number;
  passed: boolean;
}

const ruleRe = /^(raw\.)?(p50|p90|p99|p999|max|errors|okPerSec)(<=|>=|<|>)(\d+(?:\.\d+)?)(ms|s|us|%)?$/;
const latencyUnitMs: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

export function parseSlo(text: string): SloRule[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`--slo has an empty rule in "${text}"`);
  return parts.map(parseRule);
}

function parseRule(text: string): SloRule {
  const m = ruleRe.exec(text.replace(/\s+/g, ''));
  const bad = (why: string): UsageError =>
    new UsageError(`bad --slo rule "${text}": ${why} (e.g. p99<10ms, raw.p999<=20ms, errors<0.1%, okPerSec>=450)`);
  if (m === null) throw bad('expected <metric><op><value>');
  const [, raw, metric, op, num, unit] = m as unknown as [string, string | undefined, string, Op, string, string | undefined];
  const value = Number(num);
  if (metric === 'errors') {
    if (raw) throw bad('raw. applies to latency only');
    if (unit === '%') return { text, kind: 'errorRate', op, limit: value / 100 };
    if (unit !== undefined || !Number.isInteger(value)) throw bad('errors takes a percentage or a whole count');
    return { text, kind: 'errorCount', op, limit: value };
  }
  if (metric === 'okPerSec') {
    if (raw) throw bad('raw. applies to latency only');
    if (unit !== undefined) throw bad('okPerSec takes a bare number');
    return { text, kind: 'okPerSec', op, limit: value };
  }
  if (unit === undefined || unit === '%') throw bad('latency needs a unit: us, ms or s');
  return { text, kind: 'latency', raw: raw !== undefined, key: metric as LatencyKey, op, limitMs: value * latencyUnitMs[unit]! };
}

function holds(actual: number, op: Op, limit: number): boolean {
  switch (op) {
    case '<': return actual < limit;
    case '<=': return actual <= limit;
    case '>': return actual > limit;
    case '>=': return actual >= limit;
  }
}

export function evaluateSlo(rules: readonly SloRule[], s: RunSummary): SloVerdict[] {
  return rules.map((rule) => {
    let actual: number;
    let limit: number;
    switch (rule.kind) {
      case 'latency': {
        const l: LatencySummaryMs = rule.raw ? s.latencyMs.raw : headlineLatency(s);
        actual = l[rule.key];
        limit = rule.limitMs;
        break;
      }
      case 'errorRate': actual = s.errorRate; limit = rule.limit; break;
      case 'errorCount': actual = s.errors; limit = rule.limit; break;
      case 'okPerSec': actual = s.okPerSec; limit = rule.limit; break;
    }
    return { rule, actual, passed: holds(actual, rule.op, limit) };
  });
}

export function formatVerdict(v: SloVerdict): string {
  const r = v.rule;
  const actual = r.kind === 'latency' ? `${v.actual} ms`
    : r.kind === 'errorRate' ? `${(v.actual * 100).toFixed(3)}%`
    : r.kind === 'okPerSec' ? `${v.actual.toFixed(1)}/s` : String(v.actual);
  return `${v.passed ? 'ok    ' : 'BROKEN'} ${r.text}  (actual ${actual})`;
}
