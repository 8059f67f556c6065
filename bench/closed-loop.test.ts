import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runClosedLoop } from './closed-loop.ts';
import { percentileTable } from '../cluster/common/histograms.ts';
import { closedPort, startServer } from './test-servers.ts';

test('closed loop returns service time only, and builds every request from the workload', async () => {
  const paths = new Set<string>();
  const bodies: string[] = [];
  const server = await startServer((req, res) => {
    paths.add(req.url ?? '');
    let body = '';
    req.on('data', (c: Buffer) => { body += c; });
    req.on('end', () => { if (bodies.length < 5) bodies.push(`${req.method} ${body}`); res.end('ok'); });
  });
  try {
    const r = await runClosedLoop({
      target: server.url, connections: 4, durationMs: 1000,
      buildRequest: (i) => ({ method: 'PUT', path: `/kv/k${i}`, headers: { 'content-type': 'text/plain' }, body: `v${i}` }),
    });
    assert.is(r.mode, 'closed-loop');
    assert.is(r.latencyBasis, 'service-time-only');
    assert.is(r.corrected, null);
    assert.is(r.health.scheduleLag, null);
    assert.ok(r.ok > 100, `ok ${r.ok}`);
    assert.equal(r.errors, {});
    assert.is(r.raw.totalCount, r.ok);
    assert.ok(percentileTable(r.raw).p50Ms < 100);
    // One distinct path per request: the builder is called per request, not once per connection.
    assert.ok(paths.size >= r.ok, `distinct paths ${paths.size} < ok ${r.ok}`);
    assert.match(bodies[0]!, /^PUT v\d+$/);
    assert.is(r.series.reduce((n, s) => n + s.sent, 0), r.sent);
  } finally {
    await server.close();
  }
});

test('closed loop classifies HTTP errors, refused connections and timeouts', async () => {
  const failing = await startServer((_q, res) => { res.statusCode = 503; res.end(); });
  try {
    const r = await runClosedLoop({ target: failing.url, connections: 2, durationMs: 1000, buildRequest: () => ({ method: 'GET', path: '/' }) });
    assert.equal(Object.keys(r.errors), ['http_503']);
    assert.is(r.ok, 0);
  } finally {
    await failing.close();
  }
  const port = await closedPort();
  const refused = await runClosedLoop({ target: `http://127.0.0.1:${port}`, connections: 2, durationMs: 1000, buildRequest: () => ({ method: 'GET', path: '/' }) });
  assert.equal(Object.keys(refused.errors), ['connection'], JSON.stringify(refused.errorSamples));
  const silent = await startServer(() => { /* never answers */ });
  try {
    const r = await runClosedLoop({ target: silent.url, connections: 2, durationMs: 2000, timeoutMs: 1000, buildRequest: () => ({ method: 'GET', path: '/' }) });
    assert.ok((r.errors.timeout ?? 0) >= 2, JSON.stringify(r.errors));
    assert.is(r.ok, 0);
  } finally {
    await silent.close();
  }
});

test.run();
