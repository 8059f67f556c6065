import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percentileTable } from '../cluster/common/histograms.ts';
import { BenchOptionsError } from './options-error.ts';
import { runOpenLoop } from './open-loop.ts';
import type { RequestBuilder } from './request-spec.ts';
import { answerOk, closedPort, stallingHandler, startServer } from './test-servers.ts';

const get: RequestBuilder = () => ({ method: 'GET', path: '/' });

test('a 1 s stall shows in corrected latency, and only the in-flight requests show it raw', async () => {
  const connections = 10;
  const stall = stallingHandler(4000, 5000);
  const server = await startServer(stall.handler);
  let delayedOver100Ms = 0;
  let rawOver500Ms = 0;
  // Slots the generator handed over on time (< 50 ms late) yet answered > 100 ms after their
  // intended time, by second of the schedule: the server's doing, not a CPU-starved generator's.
  const delayedOnTime: number[] = Array.from({ length: 10 }, () => 0);
  try {
    const r = await runOpenLoop({
      target: server.url, rateRps: 500, durationMs: 10_000, connections, buildRequest: get,
      onOutcome: (t, o) => {
        if (o.ok && t.doneMs - t.intendedMs > 100) delayedOver100Ms++;
        if (o.ok && t.doneMs - t.intendedMs > 100 && t.dispatchedMs - t.intendedMs < 50) delayedOnTime[Math.floor(t.index / 500)]!++;
        if (o.ok && t.doneMs - t.sentMs > 500) rawOver500Ms++;
      },
    });
    const corrected = percentileTable(r.corrected!);
    const raw = percentileTable(r.raw);
    console.log(`  stall: held ${stall.held()}, corrected p99 ${corrected.p99Ms} ms max ${corrected.maxMs} ms, ` +
      `raw p99 ${raw.p99Ms} ms max ${raw.maxMs} ms, raw>500ms ${rawOver500Ms}, corrected>100ms ${delayedOver100Ms}, ` +
      `lag p99 ${r.health.scheduleLag?.p99Ms} ms, delayed though sent on time, per second: ${delayedOnTime.join(',')}`);
    assert.is(r.scheduled, 5000);
    assert.is(r.ok, 5000, `errors: ${JSON.stringify(r.errors)}`);
    assert.ok(corrected.p99Ms >= 900, `corrected p99 ${corrected.p99Ms} ms`);
    assert.ok(corrected.maxMs >= 950 && corrected.maxMs < 2000, `corrected max ${corrected.maxMs} ms`);
    // The server only ever holds what pipelining-1 connections have in flight.
    assert.ok(stall.held() >= 1 && stall.held() <= connections, `held ${stall.held()}`);
    assert.ok(rawOver500Ms >= 1 && rawOver500Ms <= connections + 5, `raw > 500 ms: ${rawOver500Ms}`);
    assert.ok(raw.p99Ms < 100, `raw p99 ${raw.p99Ms} ms should not show the stall`);
    // The stall holds the ~500 slots of second 4. How fast a loaded machine drains the backlog
    // after it, or starts the run, shows as generator lag: seconds far from the stall only count
    // slots the generator sent on time (the series' per-second p99 includes its own lag).
    assert.ok(delayedOver100Ms >= 400, `corrected > 100 ms: ${delayedOver100Ms}`);
    assert.ok(delayedOnTime[4]! >= 400, `second 4: ${delayedOnTime[4]} slots delayed`);
    const s4 = r.series[4]!;
    assert.ok((s4.latencyMsP99 ?? 0) >= 900, `series second 4 p99 ${s4.latencyMsP99}`);
    for (const sec of [1, 2, 3, 7, 8, 9]) {
      assert.ok(delayedOnTime[sec]! <= 25, `second ${sec}: ${delayedOnTime[sec]} slots sent on time were delayed > 100 ms`);
    }
  } finally {
    await server.close();
  }
});

test('sends at the scheduled rate, evenly rather than in bursts', async () => {
  const rateRps = 400;
  const server = await startServer(answerOk);
  try {
    const r = await runOpenLoop({ target: server.url, rateRps, durationMs: 3000, connections: 8, buildRequest: get });
    const arrivals = server.arrivalsMs;
    assert.ok(Math.abs(arrivals.length - 1200) <= 24, `server saw ${arrivals.length}`);
    assert.ok(Math.abs(r.sent - 1200) <= 24, `sent ${r.sent}`);
    assert.is(r.ok, r.sent);
    const first = arrivals[0]!;
    const perSecond = [0, 0, 0];
    let busiest100Ms = 0;
    for (let i = 0, j = 0; i < arrivals.length; i++) {
      const sec = Math.floor((arrivals[i]! - first) / 1000);
      if (sec < 3) perSecond[sec]!++;
      while (arrivals[i]! - arrivals[j]! >= 100) j++;
      busiest100Ms = Math.max(busiest100Ms, i - j + 1);
    }
    for (const n of perSecond) assert.ok(n >= rateRps * 0.85 && n <= rateRps * 1.15, `per second ${perSecond}`);
    // An even 400/s puts 40 in any 100 ms; a once-a-second burst would put ~400 there.
    assert.ok(busiest100Ms <= 100, `busiest 100 ms window held ${busiest100Ms}`);
  } finally {
    await server.close();
  }
});

test('HTTP errors are classified by status and kept out of the latency histograms', async () => {
  const server = await startServer((_q, res) => { res.statusCode = 503; res.end('{"error":"no leader","code":"NO_LEADER"}'); });
  try {
    const r = await runOpenLoop({ target: server.url, rateRps: 100, durationMs: 300, connections: 2, buildRequest: get });
    assert.equal(r.errors, { http_503: 30 });
    assert.is(r.ok, 0);
    assert.is(r.corrected!.totalCount, 0);
    assert.is(r.series[0]!.errors, 30);
  } finally {
    await server.close();
  }
});

test('a closed port is a connection error', async () => {
  const port = await closedPort();
  const r = await runOpenLoop({ target: `http://127.0.0.1:${port}`, rateRps: 50, durationMs: 200, connections: 2, buildRequest: get });
  assert.equal(r.errors, { connection: 10 }, JSON.stringify(r.errorSamples));
});

test('a server that never answers gives timeouts, and the run still ends by itself', async () => {
  const server = await startServer(() => { /* never answers */ });
  try {
    const r = await runOpenLoop({ target: server.url, rateRps: 20, durationMs: 500, connections: 4, timeoutMs: 200, buildRequest: get });
    assert.equal(r.errors, { timeout: 10 });
    assert.is(r.scheduled, 10);
  } finally {
    await server.close();
  }
});

test('past the in-flight cap requests end as overload, not as unbounded memory', async () => {
  const server = await startServer(() => { /* never answers */ });
  try {
    // 10 slots within 200 ms; the first 3 wait for the 300 ms timeout, so the other 7 hit the cap.
    const r = await runOpenLoop({ target: server.url, rateRps: 50, durationMs: 200, connections: 3, maxInFlight: 3, timeoutMs: 300, buildRequest: get });
    assert.equal(r.errors, { timeout: 3, overload: 7 });
    assert.is(r.sent, 3);
    assert.is(r.scheduled, 10);
  } finally {
    await server.close();
  }
});

test('an abort ends the run early and accounts for every slot', async () => {
  const server = await startServer(answerOk);
  try {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await runOpenLoop({ target: server.url, rateRps: 100, durationMs: 10_000, connections: 2, buildRequest: get, signal: ac.signal });
    assert.ok(r.aborted);
    assert.ok(r.scheduled > 10 && r.scheduled < 200, `scheduled ${r.scheduled}`);
    assert.is(r.ok + (r.errors.aborted ?? 0), r.scheduled);
  } finally {
    await server.close();
  }
});

test('bad options are refused before any load is sent', async () => {
  const err = await runOpenLoop({ target: 'nope', rateRps: -1, durationMs: 1000, connections: 1, buildRequest: get }).catch((e: unknown) => e);
  assert.instance(err, BenchOptionsError);
  assert.is((err as BenchOptionsError).code, 'BENCH_BAD_OPTIONS');
  assert.match((err as Error).message, /rateRps/);
  assert.match((err as Error).message, /target/);
});

test.run();
