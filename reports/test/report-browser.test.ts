// Rendered reports in a real browser: a chaos run (leader-kill, 2 trials, through the runner) and
// a bench run (the bench CLI) against a real cluster, rendered, opened from disk in headless
// Chromium. No console errors; every chart is a uPlot instance holding data; the index links
// open the reports; the comparison page draws both runs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCluster, type Cluster } from '../../test/cluster-harness.ts';
import { renderComparison } from '../compare.ts';
import { renderRun } from '../render-run.ts';
import { artifactsDir, openBrowser, type TestBrowser } from './browser.ts';
import { makeBenchRun, makeChaosRun } from './real-runs.ts';

let cluster: Cluster;
let browser: TestBrowser;
let runsDir: string;
let chaosDir: string;
let benchDir: string;

interface ChartInfo { id: string; kind: string; points: number; canvas: boolean; seriesWithData: number; seriesCount: number }

test.before(async () => {
  runsDir = mkdtempSync(join(tmpdir(), 'report-runs-'));
  cluster = await startCluster();
  chaosDir = await makeChaosRun(cluster, runsDir, 2);
  benchDir = await makeBenchRun(cluster, runsDir);
  await cluster.stop();
  browser = await openBrowser();
});

test.after(async () => {
  await browser?.close();
  await cluster?.stop();
  rmSync(runsDir, { recursive: true, force: true });
});

async function chartsOnPage(): Promise<ChartInfo[]> {
  return browser.page.evaluate(() => ((globalThis as any).reportCharts ?? []).map((c: any) => ({
    id: c.id, kind: c.kind, points: c.plot.data[0].length, canvas: c.plot.root.querySelector('canvas') !== null,
    seriesCount: c.plot.data.length - 1,
    seriesWithData: c.plot.data.slice(1).filter((s: (number | null)[]) => s.some((v) => v !== null && v > 0)).length,
  })));
}

test('a chaos report: one self-contained file with verdict, reproduce command, charts holding data', async () => {
  const path = renderRun(chaosDir);
  const html = readFileSync(path, 'utf8');
  assert.not.match(html, /<script[^>]+src=/, 'no external script');
  assert.not.match(html, /<link[^>]+stylesheet/, 'no external stylesheet');
  assert.ok(existsSync(join(runsDir, 'index.html')), 'the runs index was regenerated');
  await browser.page.goto(pathToFileURL(path).href);
  const headline = await browser.page.textContent('#headline');
  assert.match(headline ?? '', /^leader-kill: 2 trials, (valid|invalid|unknown)\./, `headline: ${headline}`);
  assert.match(headline ?? '', /acknowledged writes lost/);
  const results = JSON.parse(readFileSync(join(chaosDir, 'results.json'), 'utf8'));
  assert.is((await browser.page.textContent('#verdict'))?.toLowerCase(), results.verdict === 'invalid' ? 'invalid' : results.verdict);
  assert.match(await browser.page.textContent('pre.cmd') ?? '', /npx just chaos leader-kill --trials 2 --seed 42 /);
  const charts = await chartsOnPage();
  assert.equal(charts.map((c) => c.id).sort(), ['latency', 'percentiles', 'throughput', 'trials']);
  for (const c of charts) {
    assert.ok(c.canvas, `${c.id} has a canvas`);
    assert.ok(c.points > 1, `${c.id} has ${c.points} points`);
    assert.ok(c.seriesWithData >= 1, `${c.id}: no series holds data`);
  }
  // Both the corrected (runner histogram) and the raw (from history) curves are drawn.
  assert.is(charts.find((c) => c.id === 'percentiles')!.seriesWithData, 2);
  // The throughput timeline covers the run: as many seconds as the history spans.
  const history = readFileSync(join(chaosDir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const lastS = Math.floor(Math.max(...history.map((e) => e.timeNs)) / 1e9);
  assert.is(charts.find((c) => c.id === 'throughput')!.points, lastS + 1);
  for (const id of ['timeline', 'distribution', 'trials', 'phases', 'checks', 'config', 'files']) assert.ok(await browser.page.$(`#${id}`), `section ${id}`);
  assert.ok(await browser.page.$('a[href="history.jsonl"]'), 'raw history linked');
  assert.equal(browser.errors, []);
  await browser.page.screenshot({ path: join(artifactsDir, 'report-chaos.png'), fullPage: true });
});

test('a bench report: summary headline, timeline across steps, corrected and raw percentiles', async () => {
  const path = renderRun(benchDir);
  await browser.page.goto(pathToFileURL(path).href);
  assert.match(await browser.page.textContent('#headline') ?? '', /^bench 150rps: \d/);
  const charts = await chartsOnPage();
  assert.equal(charts.map((c) => c.id).sort(), ['latency', 'percentiles', 'throughput']);
  for (const c of charts) assert.ok(c.canvas && c.points > 1 && c.seriesWithData >= 1, JSON.stringify(c));
  const results = JSON.parse(readFileSync(join(benchDir, 'results.json'), 'utf8'));
  if (results.latencyMs.corrected) assert.is(charts.find((c) => c.id === 'percentiles')!.seriesWithData, 2);
  assert.ok(await browser.page.$('a[href="load-corrected.hgrm"]'), 'hgrm linked');
  assert.equal(browser.errors, []);
  await browser.page.screenshot({ path: join(artifactsDir, 'report-bench.png'), fullPage: true });
});

test('the runs index lists both runs and its links open their reports', async () => {
  await browser.page.goto(pathToFileURL(join(runsDir, 'index.html')).href);
  const rows = await browser.page.$$eval('#runs tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-run')));
  assert.equal(rows.sort(), [basename(benchDir), basename(chaosDir)].sort());
  await browser.page.screenshot({ path: join(artifactsDir, 'report-index.png'), fullPage: true });
  for (const id of [basename(chaosDir), basename(benchDir)]) {
    await browser.page.goto(pathToFileURL(join(runsDir, 'index.html')).href);
    await browser.page.click(`tr[data-run="${id}"] a`);
    await browser.page.waitForSelector('#headline');
    assert.ok(browser.page.url().endsWith(`${id}/index.html`), browser.page.url());
    await browser.page.click('text=← all runs');
    await browser.page.waitForSelector('#runs');
  }
  assert.equal(browser.errors, []);
});

test('a comparison page overlays both runs on the percentile axis', async () => {
  const path = renderComparison(benchDir, chaosDir);
  await browser.page.goto(pathToFileURL(path).href);
  const charts = await chartsOnPage();
  assert.is(charts.length, 1);
  assert.ok(charts[0]!.seriesWithData >= 2, JSON.stringify(charts[0]));
  assert.match(await browser.page.textContent('main > table') ?? '', /latency p99/);
  assert.equal(browser.errors, []);
  await browser.page.screenshot({ path: join(artifactsDir, 'report-compare.png'), fullPage: true });
});

test('with GRAFANA_URL set, the chaos report links to Grafana at the run\'s exact time range', async () => {
  // Something listening at GRAFANA_URL records where the browser lands when the link is clicked.
  const landed: string[] = [];
  const grafana = createServer((req, res) => { landed.push(req.url ?? ''); res.writeHead(200, { 'content-type': 'text/html' }).end('<title>grafana</title>ok'); });
  await new Promise<void>((r) => grafana.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(grafana.address() as AddressInfo).port}`;
  process.env.GRAFANA_URL = base;
  try {
    const path = renderRun(chaosDir);
    await browser.page.goto(pathToFileURL(path).href);
    const links = await browser.page.$$eval('#grafana a', (as) => as.map((a) => ({ text: a.textContent, href: (a as unknown as { href: string }).href })));
    assert.ok(links.some((l) => l.text === 'Chaos experiment'), JSON.stringify(links));
    await Promise.all([browser.page.waitForURL(/\/d\/chaos-experiment\//), browser.page.click('#grafana a:text("Chaos experiment")')]);
    assert.match(await browser.page.textContent('body') ?? '', /ok/);
    // The browser also asks for /favicon.ico: the dashboard request is the one under /d/.
    const url = new URL(landed.filter((u) => u.startsWith('/d/')).at(-1)!, base);
    const run = JSON.parse(readFileSync(join(chaosDir, 'run.json'), 'utf8')) as { startedAt: string };
    const results = JSON.parse(readFileSync(join(chaosDir, 'results.json'), 'utf8')) as { finishedAt?: string };
    assert.is(Number(url.searchParams.get('from')), Date.parse(run.startedAt));
    const to = Number(url.searchParams.get('to'));
    if (results.finishedAt) assert.is(to, Date.parse(results.finishedAt));
    assert.ok(to > Number(url.searchParams.get('from')), 'a range, not a point');
    assert.is(url.searchParams.get('var-run_id'), basename(chaosDir));
  } finally {
    delete process.env.GRAFANA_URL;
    grafana.close();
    renderRun(chaosDir);
  }
});

test.run();
