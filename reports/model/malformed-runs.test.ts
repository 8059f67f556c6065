// Run folders read through the run-file schemas: an older run (only the fields every version
// wrote) still renders; a malformed one is refused in one line naming the file and the field,
// by the model, by `just report` (non-zero exit) and by the :8000 dashboard (JSON 422), while
// the runs index still lists it with its problem. The folders are written by hand on purpose:
// they are the hostile or old input a writer of today would refuse to produce.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig, repoRoot } from '../../cluster/config.ts';
import { createDashboardApp } from '../dashboard/app.ts';
import { ClusterPoller } from '../dashboard/cluster-poller.ts';
import { ReportError } from '../errors.ts';
import { buildModel } from '../render-run.ts';
import { listRuns } from './run-list.ts';

const q = { count: 2, p50: 210, p90: 230, p99: 240, max: 240 };
const olderRun = { experiment: 'leader-kill', seed: 7, clientId: 'chaos-x', historyOriginEpochMs: 1_765_000_000_000, startedAt: '2026-12-01T10:00:00.000Z', trials: 2 };
const olderResults = {
  verdict: 'valid', reason: null, experiment: 'leader-kill', seed: 7, trials: 2, electionMs: q, unavailabilityMs: q, writeLatencyMs: q,
  workload: { invoked: 4, ok: 4, fail: 0, info: 0 }, checks: { 'lost-writes': { checker: 'lost-writes', valid: true, lost: 0, acknowledged: 4 } },
  perTrial: [1, 2].map((trial) => ({ trial, fault: 'kill node1', faultAtMs: 1_765_000_001_000 * trial, electionMs: 210, newLeader: 'node2', unavailabilityMs: 230, recovered: true, recoveryMs: 900 })),
};
const history = [
  { process: 0, type: 'invoke', f: 'append', value: '1', timeNs: 1e8, index: 0 },
  { process: 0, type: 'ok', f: 'append', value: [1, 'node1'], timeNs: 2e8, index: 1 },
];

let runsDir: string;

function folder(name: string, files: Record<string, unknown>): string {
  const dir = join(runsDir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    const text = typeof content === 'string' ? content : file.endsWith('.jsonl') ? (content as unknown[]).map((l) => JSON.stringify(l)).join('\n') + '\n' : JSON.stringify(content);
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

function problemOf(dir: string): string {
  try { buildModel(dir); } catch (err) {
    assert.instance(err, ReportError);
    assert.is((err as ReportError).code, 'RUN_MALFORMED');
    return (err as Error).message;
  }
  return 'accepted';
}

test.before(() => { runsDir = mkdtempSync(join(tmpdir(), 'malformed-runs-')); });
test.after(() => rmSync(runsDir, { recursive: true, force: true }));

test('an older chaos run (no workload, liveness, git, finishedAt, trialsPlanned) renders with its figures', () => {
  const dir = folder('2026-12-01T10-00-00-000Z-leader-kill', { 'run.json': olderRun, 'results.json': olderResults, 'history.jsonl': history });
  const m = buildModel(dir);
  assert.is(m.kind, 'chaos');
  assert.is(m.verdict, 'valid');
  assert.match(m.headline, /^leader-kill: 2 trials, valid\. Election p99 240 ms;.* 0 of 4 acknowledged writes lost\.$/);
  assert.ok(m.sections.some((s) => s.id === 'trials'), 'the trials section is there');
});

test('a results.json from another format names the file and the field, in one line', () => {
  const dir = folder('2026-12-01T11-00-00-000Z-leader-kill', { 'run.json': olderRun, 'results.json': { ...olderResults, verdict: 'fine' }, 'history.jsonl': history });
  const problem = problemOf(dir);
  assert.match(problem, /results\.json at verdict: /);
  assert.not.match(problem, /\n/);
  const wrongType = folder('2026-12-01T11-30-00-000Z-leader-kill', { 'run.json': { ...olderRun, seed: 'seven' } });
  assert.match(problemOf(wrongType), /run\.json at seed: /);
  const epochStart = folder('2026-12-01T11-40-00-000Z-leader-kill', { 'run.json': { ...olderRun, startedAt: 1_765_000_000_000 } });
  assert.match(problemOf(epochStart), /run\.json at startedAt: /);
});

test('events.jsonl: a torn last line (a crash) is left out, a bad line before it is refused with its number', () => {
  const fault = { type: 'fault', phase: 'inject', atMs: 1_765_000_001_000, id: 'f1', describe: 'kill node1' };
  const torn = folder('2026-12-01T12-00-00-000Z-leader-kill', { 'run.json': olderRun, 'history.jsonl': history, 'events.jsonl': `${JSON.stringify(fault)}\n{"type":"fau` });
  assert.is(buildModel(torn).verdict, 'unknown', 'renders: no results.json yet');
  const bad = folder('2026-12-01T12-30-00-000Z-leader-kill', { 'run.json': olderRun, 'history.jsonl': history, 'events.jsonl': [{ ...fault, phase: 'undo' }, fault] });
  assert.match(problemOf(bad), /events\.jsonl line 1 at phase: /);
  const badHistory = folder('2026-12-01T12-40-00-000Z-leader-kill', { 'run.json': olderRun, 'history.jsonl': [history[0], { ...history[1], type: 'done' }] });
  assert.match(problemOf(badHistory), /history\.jsonl: line 2: bad event: type: /);
});

test('a bench step file whose histogram does not decode is refused, naming the step file and field', () => {
  const dir = folder('20261201T130000Z-bench-100rps', {
    'run.json': { scenario: '100rps', startedAt: '2026-12-01T13:00:00.000Z' },
    'steady.json': { mode: 'open-loop', startedAtEpochMs: 1_765_000_000_000, series: [], sent: 1, errorsTotal: 0, achievedRateRps: 1, corrected: null, raw: { table: { count: 1 }, encoded: 'not-a-histogram' } },
    'steady-raw.hgrm': '',
  });
  assert.match(problemOf(dir), /steady\.json: raw\.encoded is not an encoded HdrHistogram/);
});

test('the runs index lists a malformed folder with its problem instead of dropping it', () => {
  const rows = listRuns(runsDir);
  const bad = rows.find((r) => r.id === '2026-12-01T11-00-00-000Z-leader-kill');
  assert.ok(bad, 'listed');
  assert.is(bad!.verdict, 'unknown');
  assert.match(bad!.figures.problem ?? '', /^results\.json at verdict: /);
  assert.is(rows.find((r) => r.id === '2026-12-01T10-00-00-000Z-leader-kill')?.figures.lost, '0/4');
});

test('just report: a malformed run is one line on stderr and exit 2; a good one prints its report path', () => {
  const cli = (arg: string) => spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'reports', 'cli.ts'), arg], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, REPORTS_RUNS_DIR: runsDir } });
  const bad = cli('2026-12-01T11-00-00-000Z-leader-kill');
  assert.is(bad.status, 2);
  assert.is(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /^report: .*results\.json at verdict: .*\(RUN_MALFORMED\)$/m);
  const good = cli('2026-12-01T10-00-00-000Z-leader-kill');
  assert.is(good.status, 0, good.stderr);
  assert.match(good.stdout, /2026-12-01T10-00-00-000Z-leader-kill\/index\.html$/m);
});

test('dashboard: a malformed run\'s report is JSON {error, code} with 422; a good one is its page', async () => {
  const config = loadConfig();
  const app = createDashboardApp({ config, poller: new ClusterPoller(config), runsDir, prometheusUrl: 'http://127.0.0.1:1', grafanaUrl: 'http://127.0.0.1:1' });
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const bad = await fetch(`${base}/runs/2026-12-01T11-00-00-000Z-leader-kill/index.html`);
    assert.is(bad.status, 422);
    const body = await bad.json() as { error: string; code: string };
    assert.is(body.code, 'RUN_MALFORMED');
    assert.match(body.error, /results\.json at verdict: /);
    const good = await fetch(`${base}/runs/2026-12-01T12-00-00-000Z-leader-kill/index.html`);
    assert.is(good.status, 200);
    assert.match(await good.text(), /leader-kill/);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test.run();
