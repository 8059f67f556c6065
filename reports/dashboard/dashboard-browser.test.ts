// The dashboard against a real cluster (test/cluster-harness.ts), started as `just dashboard`
// would be, with the cluster's config in its environment and Prometheus pointed at a closed
// port. In headless Chromium: it shows the live leader (and the new one after a leader kill),
// says plainly that Prometheus is down, and its forms perform real writes through the gateway.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createToken } from '../../cluster/auth/token-store.ts';
import { repoRoot } from '../../cluster/config.ts';
import { findFreePortRange } from '../../cluster/local/port-check.ts';
import { readyLimitMs, startCluster, type Cluster } from '../../test/cluster-harness.ts';
import { artifactsDir, openBrowser, type TestBrowser } from '../test/browser.ts';

let cluster: Cluster;
let browser: TestBrowser;
let dashboard: ChildProcess;
let url: string;
let output = '';

test.before(async () => {
  cluster = await startCluster({ readyTimeoutMs: 60_000 });
  const [port, closedPort] = [await findFreePortRange(1), await findFreePortRange(1)];
  url = `http://127.0.0.1:${port}`;
  const c = cluster.config;
  dashboard = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'reports', 'dashboard', 'main.ts')], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, DASHBOARD_PORT: String(port), RAFT_NODES: String(c.nodeCount), RAFT_BASE_PORT: String(c.basePort),
      GATEWAY_PORT: String(c.gateway.port), RAFT_DATA_DIR: cluster.dataDir, PROMETHEUS_URL: `http://127.0.0.1:${closedPort}`,
      GRAFANA_URL: 'http://grafana.example:3000',
    },
  });
  dashboard.stdout!.on('data', (d: Buffer) => { output += d; });
  dashboard.stderr!.on('data', (d: Buffer) => { output += d; });
  // tsx compiles the dashboard first: seconds on a loaded machine, so the wait grows with the load.
  const deadline = Date.now() + readyLimitMs(10_000);
  while (!output.includes('dashboard on') && dashboard.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(output.includes('dashboard on'), `dashboard did not start:\n${output}`);
  browser = await openBrowser();
});

test.after(async () => {
  await browser?.close();
  dashboard?.kill('SIGTERM');
  await cluster?.stop();
});

async function waitForText(selector: string, want: (t: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await browser.page.textContent(selector)) ?? '';
    if (want(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${selector} never matched; last: "${last}"`);
}

test('shows the live leader, and follows a leader kill to the new one', async () => {
  const leader = await cluster.waitForLeader();
  await browser.page.goto(url);
  await waitForText('#leader', (t) => t === leader);
  assert.match(await browser.page.textContent('#cluster-banner') ?? '', /3 of 3 nodes up/);
  assert.is(await browser.page.$$eval('#nodes tbody tr', (trs) => trs.length), 3);
  assert.match(await browser.page.textContent(`#nodes tr[data-node="${leader}"]`) ?? '', /LEADER/);
  await browser.page.screenshot({ path: join(artifactsDir, 'dashboard.png'), fullPage: true });

  await cluster.kill(leader);
  const next = await cluster.waitForLeader({ exclude: [leader] });
  await waitForText('#leader', (t) => t === next);
  assert.match(await browser.page.textContent(`#nodes tr[data-node="${leader}"]`) ?? '', /DOWN/);
  await cluster.startNode(leader);
});

test('says Prometheus is down instead of failing, and still shows node metrics and Grafana links', async () => {
  await waitForText('#prom-status', (t) => /not reachable/.test(t));
  assert.match(await browser.page.textContent('#promql') ?? '', /rate\(raft_writes_total\[1m\]\)/);
  assert.match(await browser.page.textContent('#promql') ?? '', /histogram_quantile\(0\.99/);
  await waitForText('#direct tbody', (t) => /node1\d/.test(t));
  assert.is(await browser.page.getAttribute('#grafana-links a', 'href'), 'http://grafana.example:3000/d/raft-cluster');
});

test('a write asks for a token first; with one it goes through; the page has a Content-Security-Policy', async () => {
  const page = await fetch(url);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self';/);
  await browser.page.click('#write-form button[type=submit]');
  assert.match(await waitForText('#write-result', (t) => /token is needed/.test(t)), /token is needed/);
  // The dashboard never writes with its own token: without the user's, the gateway says 401.
  const direct = await fetch(`${url}/api/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":1,"source":"x"}' });
  assert.is(direct.status, 401);
  const writer = createToken(cluster.dataDir, 'write', 'dashboard-test').token;
  await browser.page.fill('#token-form input[name=token]', writer);
  await browser.page.click('#token-form button[type=submit]');
  assert.match(await waitForText('#token-status', (t) => /token is set/.test(t)), /token is set/);
});

test('the write form performs a real write that the gateway then serves', async () => {
  const marker = `dash-${Date.now()}`;
  await browser.page.fill('#write-form textarea[name=data]', JSON.stringify({ marker }));
  await browser.page.click('#write-form button[type=submit]');
  const result = await waitForText('#write-result', (t) => /HTTP \d{3}/.test(t));
  assert.match(result, /HTTP 200/, result);
  const entryId = JSON.parse(result.replace(/^HTTP \d+\n/, '')).entryId as number;
  const entry = await (await fetch(`${cluster.gatewayUrl}/api/entries/${entryId}`)).json() as { data: unknown; source: string };
  assert.equal(entry.data, { marker });
  assert.is(entry.source, 'dashboard');
});

test('KV put and get through the form reach the cluster', async () => {
  const value = `v-${Date.now()}`;
  await browser.page.fill('#kv-form input[name=key]', 'dash-key');
  await browser.page.fill('#kv-form input[name=value]', value);
  await browser.page.click('#kv-form button[value=put]');
  assert.match(await waitForText('#kv-result', (t) => /HTTP \d{3}/.test(t)), /HTTP 200/);
  const viaGateway = await (await fetch(`${cluster.gatewayUrl}/api/kv/dash-key`)).json() as { value: string };
  assert.is(viaGateway.value, value);
  await browser.page.evaluate(() => { (globalThis as any).document.querySelector('#kv-result').textContent = ''; });
  await browser.page.click('#kv-form button[value=get]');
  assert.match(await waitForText('#kv-result', (t) => /HTTP \d{3}/.test(t)), new RegExp(value));
  assert.equal(browser.errors, []);
  await browser.page.screenshot({ path: join(artifactsDir, 'dashboard-after-writes.png'), fullPage: true });
});

test('a value that is HTML (an <img onerror> payload) is shown as text, never run', async () => {
  const payload = '<img src=x onerror="window.__xss=1">';
  await browser.page.fill('#kv-form input[name=key]', 'xss-key');
  await browser.page.fill('#kv-form input[name=value]', payload);
  await browser.page.click('#kv-form button[value=put]');
  assert.match(await waitForText('#kv-result', (t) => /HTTP \d{3}/.test(t)), /HTTP 200/);
  await browser.page.evaluate(() => { (globalThis as any).document.querySelector('#kv-result').textContent = ''; });
  await browser.page.click('#kv-form button[value=get]');
  const shown = await waitForText('#kv-result', (t) => /HTTP \d{3}/.test(t));
  assert.ok(shown.includes('<img src=x onerror='), shown);
  assert.is(await browser.page.evaluate(() => (globalThis as any).document.querySelectorAll('#kv-result img').length), 0);
  assert.is(await browser.page.evaluate(() => (globalThis as any).__xss), undefined);
});

test('a down gateway is a JSON error from the dashboard, not a hang', async () => {
  const gatewayStopped = await cluster.manager.stop('gateway').then(() => true, () => false);
  assert.ok(gatewayStopped);
  const res = await fetch(`${url}/api/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":1}' });
  assert.is(res.status, 502);
  assert.is((await res.json() as { code: string }).code, 'GATEWAY_UNREACHABLE');
  await waitForText('#cluster-banner', (t) => /gateway .* does not answer/.test(t));
});

test.run();
