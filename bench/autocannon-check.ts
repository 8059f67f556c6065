// Experiment (not a test): does autocannon's `overallRate` pace requests evenly, and does its
// coordinated-omission correction recover a server stall? Compares it with runOpenLoop on the
// same servers. Findings are written up at the top of open-loop.ts.
// Usage: node --import tsx bench/autocannon-check.ts
import autocannon from 'autocannon';
import { percentileTable } from '../cluster/common/histograms.ts';
import { runOpenLoop } from './open-loop.ts';
import { answerOk, stallingHandler, startServer } from './test-servers.ts';
import type { TestServer } from './test-servers.ts';

const rateRps = 500;
const connections = 10;

interface Pacing { arrivals: number; inFirst100MsOfSecondPct: number; busiest100Ms: number; evenShare100Ms: number }

function pacing(arrivalsMs: number[]): Pacing {
  const first = arrivalsMs[0] ?? 0;
  let inFirst100 = 0;
  let busiest = 0;
  for (let i = 0, j = 0; i < arrivalsMs.length; i++) {
    if ((arrivalsMs[i]! - first) % 1000 < 100) inFirst100++;
    while (arrivalsMs[i]! - arrivalsMs[j]! >= 100) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  return {
    arrivals: arrivalsMs.length,
    inFirst100MsOfSecondPct: Math.round((inFirst100 / Math.max(1, arrivalsMs.length)) * 1000) / 10,
    busiest100Ms: busiest,
    evenShare100Ms: rateRps / 10,
  };
}

async function withServer<T>(make: () => Promise<TestServer>, fn: (s: TestServer) => Promise<T>): Promise<T> {
  const s = await make();
  try { return await fn(s); } finally { await s.close(); }
}

function autocannonRun(url: string, durationS: number, ignoreCoordinatedOmission = false): Promise<autocannon.Result> {
  return autocannon({ url, connections, overallRate: rateRps, duration: durationS, ignoreCoordinatedOmission });
}

function acSummary(ac: autocannon.Result): Record<string, number> {
  const l = ac.latency as unknown as Record<string, number>;
  return { responses: ac.requests.total, latencySamples: l.totalCount!, p50Ms: l.p50!, p90Ms: l.p90!, p99Ms: l.p99!, maxMs: l.max! };
}

console.log(`# pacing at ${rateRps}/s over ${connections} connections, 4 s, immediate server`);
const acPacing = await withServer(() => startServer(answerOk), async (s) => { await autocannonRun(s.url, 4); return pacing(s.arrivalsMs); });
const olPacing = await withServer(() => startServer(answerOk), async (s) => {
  await runOpenLoop({ target: s.url, rateRps, durationMs: 4000, connections, buildRequest: () => ({ method: 'GET', path: '/' }) });
  return pacing(s.arrivalsMs);
});
console.log('autocannon overallRate:', acPacing);
console.log('runOpenLoop:           ', olPacing);

console.log(`\n# server stalls 1 s (seconds 4-5 after its first request), 10 s at ${rateRps}/s`);
const ac = await withServer(() => startServer(stallingHandler(4000, 5000).handler), (s) => autocannonRun(s.url, 10));
console.log('autocannon corrected (its default):', { ...acSummary(ac), expectedIntervalMs: Math.ceil(1 / (rateRps / connections)) });
const acRaw = await withServer(() => startServer(stallingHandler(4000, 5000).handler), (s) => autocannonRun(s.url, 10, true));
console.log('autocannon ignoreCoordinatedOmission:', acSummary(acRaw));
const ol = await withServer(() => startServer(stallingHandler(4000, 5000).handler), (s) =>
  runOpenLoop({ target: s.url, rateRps, durationMs: 10_000, connections, buildRequest: () => ({ method: 'GET', path: '/' }) }));
const c = percentileTable(ol.corrected!);
const r = percentileTable(ol.raw);
console.log('runOpenLoop corrected:', { sent: ol.sent, p50Ms: c.p50Ms, p90Ms: c.p90Ms, p99Ms: c.p99Ms, maxMs: c.maxMs });
console.log('runOpenLoop raw:      ', { p50Ms: r.p50Ms, p90Ms: r.p90Ms, p99Ms: r.p99Ms, maxMs: r.maxMs });
