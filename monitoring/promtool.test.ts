// promtool (from Debian's prometheus package) on the config as `just monitoring` lays it out,
// on the rules, and on the alert unit tests in rule-tests/.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../cluster/config.ts';
import { promtoolBinary } from './prometheus-binary.ts';
import { monitoringDir, preparePrometheusWorkdir } from './prometheus-workdir.ts';

const promtool = promtoolBinary();
const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
const workdir = preparePrometheusWorkdir(dir, loadConfig({ RAFT_NODES: '5', RAFT_BASE_PORT: '9101', GATEWAY_PORT: '9100' } as NodeJS.ProcessEnv));

function run(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(promtool, args, { encoding: 'utf8', cwd: monitoringDir });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('promtool check config passes on the laid-out config with generated targets', () => {
  const r = run(['check', 'config', workdir.configFile]);
  assert.is(r.status, 0, r.output);
  assert.match(r.output, /SUCCESS: 2 rule files found/);
});

test('promtool check config fails on a malformed targets file (so the check above means something)', () => {
  const broken = mkdtempSync(join(tmpdir(), 'promtool-broken-'));
  try {
    const w = preparePrometheusWorkdir(broken, loadConfig({} as NodeJS.ProcessEnv));
    writeFileSync(join(w.targetsDir, 'raft-node.json'), '[{"targets": "127.0.0.1:1"}]');
    const r = run(['check', 'config', w.configFile]);
    assert.is.not(r.status, 0, r.output);
    assert.match(r.output, /raft-node\.json/, 'the failure names the targets file');
  } finally {
    rmSync(broken, { recursive: true, force: true });
  }
});

test('promtool check rules passes on every rule file', () => {
  const r = run(['check', 'rules', 'rules/raft-recording.yml', 'rules/raft-alerts.yml']);
  assert.is(r.status, 0, r.output);
  assert.match(r.output, /SUCCESS: 9 rules found/);
  assert.match(r.output, /SUCCESS: 7 rules found/);
});

test('alert unit tests: no leader after 2 s, two leaders in one term, lag on the current leader only, slow fsync', () => {
  const out = execFileSync(promtool, ['test', 'rules', 'rule-tests/raft-alerts.yml'], { cwd: monitoringDir, encoding: 'utf8' });
  assert.match(out, /SUCCESS/);
});

test.run();
