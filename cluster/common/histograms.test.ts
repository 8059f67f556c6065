import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createLatencyHistogram, decodeHistogram, encodeHistogram, HistogramDecodeError, mergeHistograms,
  percentileTable, recordMs, toHgrm,
} from './histograms.ts';

interface HgrmRow { valueMs: number; percentile: number; totalCount: number }

function parseHgrm(text: string): { rows: HgrmRow[]; footer: Record<string, number> } {
  const lines = text.split('\n');
  assert.match(lines[0]!, /^\s+Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)$/);
  const rows: HgrmRow[] = [];
  const footer: Record<string, number> = {};
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    if (line.startsWith('#[')) {
      for (const m of line.matchAll(/(\w[\w .]*?)\s*=\s*([\d.]+)/g)) footer[m[1]!.trim()] = Number(m[2]);
      continue;
    }
    const cols = line.trim().split(/\s+/).map(Number);
    assert.ok(cols.length === 3 || cols.length === 4, `bad row: ${line}`);
    rows.push({ valueMs: cols[0]!, percentile: cols[1]!, totalCount: cols[2]! });
  }
  return { rows, footer };
}

test('.hgrm output is HdrHistogram percentile-distribution text in ms that parses back', () => {
  const h = createLatencyHistogram();
  // 10,000 values: most near 2 ms, a tail out to 1.5 s.
  for (let i = 0; i < 10_000; i++) recordMs(h, i % 100 === 0 ? 100 + i / 7 : 1 + (i % 37) / 20);
  const { rows, footer } = parseHgrm(toHgrm(h));
  assert.ok(rows.length > 20);
  for (let i = 1; i < rows.length; i++) {
    assert.ok(rows[i]!.valueMs >= rows[i - 1]!.valueMs, `value not monotone at row ${i}`);
    assert.ok(rows[i]!.percentile >= rows[i - 1]!.percentile, `percentile not monotone at row ${i}`);
    assert.ok(rows[i]!.totalCount >= rows[i - 1]!.totalCount, `count not monotone at row ${i}`);
  }
  const last = rows.at(-1)!;
  assert.is(last.percentile, 1);
  assert.is(last.totalCount, 10_000);
  assert.is(footer['Total count'], 10_000);
  const table = percentileTable(h);
  assert.ok(Math.abs(footer['Max']! - table.maxMs) / table.maxMs < 0.002, `footer max ${footer['Max']} vs ${table.maxMs}`);
  assert.ok(Math.abs(last.valueMs - table.maxMs) / table.maxMs < 0.002);
  assert.ok(Math.abs(footer['Mean']! - table.meanMs) / table.meanMs < 0.002);
});

test('percentile table is in ms and ordered', () => {
  const h = createLatencyHistogram();
  for (let ms = 1; ms <= 1000; ms++) recordMs(h, ms);
  const t = percentileTable(h);
  assert.is(t.count, 1000);
  assert.ok(Math.abs(t.p50Ms - 500) < 1, `p50 ${t.p50Ms}`);
  assert.ok(Math.abs(t.p99Ms - 990) < 1, `p99 ${t.p99Ms}`);
  assert.ok(t.p50Ms <= t.p90Ms && t.p90Ms <= t.p99Ms && t.p99Ms <= t.p999Ms && t.p999Ms <= t.p9999Ms && t.p9999Ms <= t.maxMs);
  assert.equal(percentileTable(createLatencyHistogram()).count, 0);
});

test('values out of range are clamped, not thrown', () => {
  const h = createLatencyHistogram();
  recordMs(h, -5);
  recordMs(h, 3_600_000);
  assert.is(h.totalCount, 2);
  assert.ok(percentileTable(h).maxMs >= 59_999);
});

test('encode/decode round-trips and merging sums what separate processes recorded', () => {
  const a = createLatencyHistogram();
  const b = createLatencyHistogram();
  for (let i = 1; i <= 3000; i++) recordMs(a, i / 10);
  for (let i = 1; i <= 1000; i++) recordMs(b, 500 + i);
  const a2 = decodeHistogram(encodeHistogram(a));
  assert.equal(percentileTable(a2), percentileTable(a));
  const merged = mergeHistograms([a2, decodeHistogram(encodeHistogram(b))]);
  assert.is(merged.totalCount, 4000);
  const t = percentileTable(merged);
  assert.ok(t.p50Ms > 150 && t.p50Ms < 250, `p50 ${t.p50Ms}`);
  assert.ok(Math.abs(t.maxMs - 1500) < 2, `max ${t.maxMs}`);
  assert.is(a.totalCount, 3000, 'inputs untouched');
});

test('garbage is refused with a typed error', () => {
  try {
    decodeHistogram('bm90IGEgaGlzdG9ncmFt');
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, HistogramDecodeError);
    assert.is((err as HistogramDecodeError).code, 'BENCH_HISTOGRAM_DECODE');
  }
});

test.run();
