// A chaos report of 20 leader-kill trials (a real run through the runner) in headless Chromium:
// the timeline charts label only what fits (no two drawn labels overlap), say how many they left
// out, show every fault window and leader change on hover, and the trials table lists them all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCluster, type Cluster } from '../../test/cluster-harness.ts';
import { renderRun } from '../render-run.ts';
import { artifactsDir, openBrowser, type TestBrowser } from './browser.ts';
import { leaderKill } from '../../chaos/experiments/leader-kill.ts';
import { runExperiment } from '../../chaos/runner/run-experiment.ts';
import { openLocalTarget } from '../../chaos/runner/local-target.ts';

const trials = 20;
let cluster: Cluster;
let browser: TestBrowser;
let runsDir: string;
let chaosDir: string;

interface Rect { text: string; x: number; y: number; w: number; h: number }
interface Spec { from?: number; to?: number; x?: number; label: string }
interface Layout { id: string; drawn: Rect[]; hidden: string[]; bands: Spec[]; marks: Spec[]; note: string }

test.before(async () => {
  runsDir = mkdtempSync(join(tmpdir(), 'report-labels-'));
  cluster = await startCluster({ readyTimeoutMs: 60_000 });
  // A generous recovery bound: on a loaded machine a killed node takes many seconds to restart.
  const { target } = await openLocalTarget(cluster.config, cluster.manager, 42);
  const lines: string[] = [];
  const outcome = await runExperiment(target, {
    experiment: leaderKill, trials, seed: 42, rateRps: 40, holdMs: 300, concurrencyMax: 16,
    recoveryTimeoutMs: 60_000, runsDir, log: (l) => lines.push(l), runInfo: { argv: ['leader-kill', '--trials', String(trials), '--seed', '42'] },
  });
  if (outcome.results.trials !== trials) throw new Error(`chaos run ran ${outcome.results.trials} of ${trials} trials:\n${lines.join('\n')}`);
  chaosDir = outcome.runDir;
  await cluster.stop();
  browser = await openBrowser();
});

test.after(async () => {
  await browser?.close();
  await cluster?.stop();
  rmSync(runsDir, { recursive: true, force: true });
});

function layouts(): Promise<Layout[]> {
  return browser.page.evaluate(() => {
    const data = JSON.parse((globalThis as any).document.getElementById('report-data').textContent);
    return ((globalThis as any).reportCharts as any[]).filter((c) => c.kind === 'timeline').map((c) => {
      const spec = data.charts.find((s: any) => s.id === c.id);
      return { id: c.id, drawn: c.plot.labelLayout.drawn, hidden: c.plot.labelLayout.hidden, bands: spec.bands ?? [], marks: spec.marks ?? [], note: c.plot.labelNote?.textContent ?? '' };
    });
  });
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

test(`${trials} trials at 600 px: no drawn labels overlap, the rest are counted and left out`, async () => {
  await browser.page.setViewportSize({ width: 600, height: 900 });
  await browser.page.goto(pathToFileURL(renderRun(chaosDir)).href);
  const charts = await layouts();
  assert.equal(charts.map((c) => c.id).sort(), ['latency', 'throughput']);
  for (const c of charts) {
    assert.ok(c.bands.length >= trials, `${c.id}: ${c.bands.length} fault windows`);
    assert.ok(c.marks.length >= trials, `${c.id}: ${c.marks.length} leader changes`);
    assert.is(c.drawn.length + c.hidden.length, c.bands.length + c.marks.length, `${c.id}: every label is drawn or left out`);
    assert.ok(c.drawn.length > 0, `${c.id}: some labels drawn`);
    assert.ok(c.hidden.length > 0, `${c.id}: at 600 px not all ${c.bands.length + c.marks.length} labels can fit`);
    for (let i = 0; i < c.drawn.length; i++) {
      for (let j = i + 1; j < c.drawn.length; j++) {
        assert.not.ok(overlaps(c.drawn[i]!, c.drawn[j]!), `${c.id}: "${c.drawn[i]!.text}" overlaps "${c.drawn[j]!.text}"`);
      }
    }
    assert.match(c.note, new RegExp(`^${c.hidden.length} of ${c.drawn.length + c.hidden.length} labels do not fit: hover`));
  }
  assert.equal(browser.errors, []);
  await browser.page.screenshot({ path: join(artifactsDir, 'report-20-trials.png'), fullPage: true });
});

test('hovering a fault window or a leader line shows its label', async () => {
  const [chart] = (await layouts()).filter((c) => c.id === 'throughput');
  const over = (await browser.page.$('#chart-throughput .u-over'))!;
  await over.scrollIntoViewIfNeeded();
  const box = (await over.boundingBox())!;
  const toPx = (v: number) => browser.page.evaluate(([val]) => ((globalThis as any).reportCharts as any[]).find((c) => c.id === 'throughput').plot.valToPos(val, 'x'), [v] as const);
  const tip = async () => (await browser.page.waitForTimeout(50), await browser.page.$eval('#chart-throughput .chart-tip', (e) => (e as any).style.display === 'block' ? e.textContent : '')) ?? '';
  for (const b of chart!.bands.slice(0, 5)) {
    // A leader line inside the window can win the hover at one point: try a few points across it.
    const seen: string[] = [];
    for (const at of [0.5, 0.25, 0.75, 0.1, 0.9]) {
      await browser.page.mouse.move(box.x + await toPx(b.from! + (b.to! - b.from!) * at), box.y + box.height / 2);
      seen.push(await tip());
      if (seen.at(-1)!.includes(b.label)) break;
    }
    assert.ok(seen.at(-1)!.includes(b.label), `hover in ${b.from}-${b.to} s shows "${b.label}", got ${JSON.stringify(seen)}`);
  }
  for (const m of chart!.marks.slice(0, 5)) {
    await browser.page.mouse.move(box.x + await toPx(m.x!), box.y + box.height / 2);
    assert.ok((await tip()).includes(m.label), `hover at ${m.x} s shows "${m.label}", got "${await tip()}"`);
  }
  assert.equal(browser.errors, []);
});

test('the trials table lists every trial with its fault and new leader', async () => {
  const rows = await browser.page.$$eval('table', (tables) => tables.filter((t) => t.querySelector('caption')?.textContent === 'Each trial')
    .flatMap((t) => [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''))));
  assert.is(rows.length, trials);
  for (const r of rows) {
    assert.match(r[1]!, /node\d/, `fault named: ${r.join(' | ')}`);
    assert.match(r[4]!, /node\d/, `new leader named: ${r.join(' | ')}`);
  }
});

test.run();
