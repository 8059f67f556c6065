import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SeriesRow } from '../series.ts';
import { parseRssBytes } from './node-memory.ts';
import { latencyDrift, nodeMemory, soakWarnings } from './soak-analysis.ts';

test('reads RSS from Prometheus text, with or without labels', () => {
  const text = '# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 91234304\nprocess_heap_bytes 1\n';
  assert.is(parseRssBytes(text), 91_234_304);
  assert.is(parseRssBytes('process_resident_memory_bytes{node="n1"} 1.5e+08\n'), 150_000_000);
  assert.is(parseRssBytes('process_heap_bytes 1\n'), null);
});

test('memory growth per node, and a warning only for large steady growth', () => {
  const mib = 2 ** 20;
  const samples = [0, 1, 2].flatMap((i) => [
    { atMs: i * 1000, node: 'node1', rssBytes: (80 + i * 60) * mib },
    { atMs: i * 1000, node: 'node2', rssBytes: (80 + i) * mib },
    { atMs: i * 1000, node: 'node3', rssBytes: null },
  ]);
  const m = nodeMemory(samples);
  assert.equal(m.map((n) => [n.node, n.samples, n.growthBytes]), [['node1', 3, 120 * mib], ['node2', 3, 2 * mib], ['node3', 0, null]]);
  const warnings = soakWarnings(m, { windowSeconds: 10, firstP99Ms: 5, lastP99Ms: 6, ratio: 1.2 });
  assert.is(warnings.length, 2);
  assert.match(warnings[0]!, /node1 RSS grew 120 MiB/);
  assert.match(warnings[1]!, /node3: no memory sample/);
});

test('drift compares the median p99 of the first and last tenth of the run', () => {
  const rows: SeriesRow[] = Array.from({ length: 200 }, (_, s) => ({
    second: s, sent: 10, ok: 10, errors: 0, latencyMsP50: 1, latencyMsP99: s < 20 ? 4 : s >= 180 ? 12 : 6,
  }));
  rows[0]!.latencyMsP99 = 500; // one bad second does not move a median
  const d = latencyDrift(rows);
  assert.equal([d.windowSeconds, d.firstP99Ms, d.lastP99Ms, d.ratio], [20, 4, 12, 3]);
  assert.match(soakWarnings([], d)[0]!, /p99 drifted from 4.0 ms to 12.0 ms/);
  assert.is(latencyDrift(rows.slice(0, 5)).lastP99Ms, null);
});

test.run();
