// What a soak reports beyond its latency histograms, apart from any IO:
// - memory: each node's RSS first, last and peak, and the growth first -> last
// - drift: latency at the start against the end of the run. Each window's figure is the median
//   of its seconds' p99s (robust to one bad second); windows are a tenth of the run, at least 10 s.
import type { SeriesRow } from '../series.ts';
import type { MemorySample } from './node-memory.ts';

export interface NodeMemory {
  node: string;
  samples: number;
  firstBytes: number | null;
  lastBytes: number | null;
  peakBytes: number | null;
  growthBytes: number | null;
  growthShare: number | null;
}

export interface LatencyDrift {
  windowSeconds: number;
  firstP99Ms: number | null;
  lastP99Ms: number | null;
  /** last / first; null when either window has no ok request. */
  ratio: number | null;
}

/** Growth above both bounds is reported as a warning: a leak shows as steady growth, not a blip. */
export const memoryWarnShare = 0.5;
export const memoryWarnBytes = 50 * 1024 * 1024;
export const driftWarnRatio = 2;

export function nodeMemory(samples: readonly MemorySample[]): NodeMemory[] {
  const byNode = new Map<string, number[]>();
  for (const s of samples) {
    const list = byNode.get(s.node) ?? [];
    if (s.rssBytes !== null) list.push(s.rssBytes);
    byNode.set(s.node, list);
  }
  return [...byNode].map(([node, v]) => {
    const first = v[0] ?? null;
    const last = v.at(-1) ?? null;
    const growth = first !== null && last !== null ? last - first : null;
    return {
      node, samples: v.length, firstBytes: first, lastBytes: last, peakBytes: v.length > 0 ? Math.max(...v) : null,
      growthBytes: growth, growthShare: growth !== null && first ? growth / first : null,
    };
  });
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function latencyDrift(rows: readonly SeriesRow[]): LatencyDrift {
  const windowSeconds = Math.max(10, Math.floor(rows.length / 10));
  const p99s = (part: readonly SeriesRow[]): number[] => part.map((r) => r.latencyMsP99).filter((v) => v !== null);
  const firstP99Ms = median(p99s(rows.slice(0, windowSeconds)));
  const lastP99Ms = rows.length > windowSeconds ? median(p99s(rows.slice(-windowSeconds))) : null;
  return { windowSeconds, firstP99Ms, lastP99Ms, ratio: firstP99Ms && lastP99Ms !== null ? lastP99Ms / firstP99Ms : null };
}

export function soakWarnings(memory: readonly NodeMemory[], drift: LatencyDrift): string[] {
  const out: string[] = [];
  for (const m of memory) {
    if (m.growthBytes !== null && m.growthShare !== null && m.growthBytes > memoryWarnBytes && m.growthShare > memoryWarnShare) {
      out.push(`${m.node} RSS grew ${(m.growthBytes / 2 ** 20).toFixed(0)} MiB (+${(m.growthShare * 100).toFixed(0)}%) during the soak`);
    }
    if (m.samples === 0) out.push(`${m.node}: no memory sample answered (is /metrics reachable?)`);
  }
  if (drift.ratio !== null && drift.ratio > driftWarnRatio) {
    out.push(`p99 drifted from ${drift.firstP99Ms?.toFixed(1)} ms to ${drift.lastP99Ms?.toFixed(1)} ms (x${drift.ratio.toFixed(1)}) between the first and last ${drift.windowSeconds} s`);
  }
  return out;
}
