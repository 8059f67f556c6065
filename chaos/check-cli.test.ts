// just check on hand-made run folders: a stale read makes the register check invalid with a
// counterexample in results.json and the report; a correct history is valid; runtime checks the
// live run observed are kept; a folder that is not a run is one line and exit 64.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { HistoryEvent } from '../reports/run-files/history-file.ts';

const root = mkdtempSync(join(tmpdir(), 'check-cli-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A run folder whose history is: write v1 (ok), then a read returning `readValue`, then an append. */
function runFolder(readValue: string | null, runtime: Record<string, unknown> = {}): string {
  const dir = join(root, `run-${n++}`);
  mkdirSync(dir);
  const ev = (process: number, type: HistoryEvent['type'], f: string, value: HistoryEvent['value'], timeNs: number, key?: string): HistoryEvent =>
    ({ process, type, f, ...(key ? { key } : {}), value, timeNs, index: 0 });
  const history = [
    ev(0, 'invoke', 'write', 'v1', 1e6, 'k0'), ev(0, 'ok', 'write', 'v1', 2e6, 'k0'),
    ev(1, 'invoke', 'read', null, 3e6, 'k0'), ev(1, 'ok', 'read', readValue, 4e6, 'k0'),
    ev(2, 'invoke', 'append', '0', 5e6), ev(2, 'ok', 'append', [1, 'node1'], 6e6),
  ].map((e, index) => ({ ...e, index }));
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ experiment: 'partition-leader', seed: 1, clientId: 'c', historyOriginEpochMs: 1_700_000_000_000, startedAt: '2023-11-14T22:13:20.000Z', trials: 1 }));
  writeFileSync(join(dir, 'history.jsonl'), history.map((e) => JSON.stringify(e)).join('\n') + '\n');
  writeFileSync(join(dir, 'events.jsonl'), JSON.stringify({ type: 'node', atMs: 1_700_000_000_000, node: 'node1', seq: 1, ts: 1_700_000_000_000, kind: 'elected', term: 2 }) + '\n');
  const log = (node: string) => ({ node, commitIndex: 1, snapshotIndex: 0, entries: [{ index: 1, term: 2, kind: 'command', command: { op: 'append', clientId: 'c', requestId: '0' } }] });
  writeFileSync(join(dir, 'final-logs.json'), JSON.stringify({ leader: 'node1', logs: [log('node1'), log('node2')], compacted: [] }));
  // What a real run writes (reports/run-files/chaos-run-files.ts), so the report renders from it.
  const q = { count: 1, p50: 200, p90: 200, p99: 200, max: 200 };
  writeFileSync(join(dir, 'results.json'), JSON.stringify({
    verdict: 'valid', reason: null, experiment: 'partition-leader', seed: 1, trials: 1,
    electionMs: q, unavailabilityMs: q, writeLatencyMs: q, workload: { invoked: 1, ok: 1, fail: 0, info: 0 },
    checks: { 'cluster-restored': { checker: 'cluster-restored', valid: true }, ...runtime }, perTrial: [],
  }));
  return dir;
}

const check = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'chaos/check-cli.ts', ...args], { encoding: 'utf8' });

test('a stale read: invalid (exit 1), the counterexample in results.json and drawn in the report', () => {
  const dir = runFolder(null);
  const r = check(dir);
  assert.is(r.status, 1, r.stderr + r.stdout);
  assert.match(r.stdout, /check linearizable: INVALID/);
  assert.match(r.stdout, /verdict: invalid/);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.is(results.verdict, 'invalid');
  assert.is(results.trials, 1, 'what the run measured is kept');
  assert.is(results.checks.linearizable.valid, false);
  assert.is(results.checks.linearizable.counterexample.blocking.f, 'read');
  for (const name of ['lost-writes', 'append-order', 'log-agreement', 'election-safety', 'stats', 'cluster-restored']) {
    assert.is(results.checks[name]?.valid, true, `${name}: ${JSON.stringify(results.checks[name])}`);
  }
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  assert.match(html, /id="counterexample-linearizable"/);
  assert.match(html, /<svg class="cx"/);
});

test('the same folder with a fresh read: valid (exit 0)', () => {
  const r = check(runFolder('v1'));
  assert.is(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /verdict: valid/);
});

test('a runtime check the live run recorded as unknown keeps the verdict unknown (exit 2)', () => {
  const r = check(runFolder('v1', { 'run-completed': { checker: 'run-completed', valid: 'unknown', reason: 'trial 1: not recovered' } }));
  assert.is(r.status, 2, r.stderr + r.stdout);
  assert.match(r.stdout, /verdict: unknown \(run-completed: trial 1: not recovered\)/);
});

test('not a run folder, or no folder: one line, exit 64', () => {
  for (const args of [[root], [join(root, 'missing')], []]) {
    const r = check(...args);
    assert.is(r.status, 64, `${args}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const dir = runFolder('v1');
  writeFileSync(join(dir, 'history.jsonl'), '{"process":0}\n');
  const r = check(dir);
  assert.is(r.status, 64);
  assert.match(r.stderr, /history\.jsonl/);
});

test.run();
