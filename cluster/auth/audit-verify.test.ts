import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditLogPath, openAuditLog } from '../node/audit-log.ts';
import { verifyAuditFile } from './audit-verify.ts';

const dir = mkdtempSync(join(tmpdir(), 'audit-verify-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function writeLog(id: string, n: number): string {
  const log = openAuditLog(dir, id, () => 1_000);
  for (let i = 1; i <= n; i++) log.record('role', { term: i, role: 'LEADER' });
  return auditLogPath(dir, id);
}

test('an untouched log verifies, also across a restart that continues the chain', () => {
  const path = writeLog('n1', 3);
  const again = openAuditLog(dir, 'n1', () => 2_000);
  again.record('started', { term: 3 });
  assert.equal(verifyAuditFile(path), { ok: true, lines: 4 });
});

test('an edited line is named; a deleted line is named where the chain breaks', () => {
  const path = writeLog('n2', 5);
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, lines.map((l, i) => (i === 2 ? l.replace('"term":3', '"term":9') : l)).join('\n'));
  const edited = verifyAuditFile(path);
  assert.is(edited.ok, false);
  assert.is(!edited.ok && edited.badLine, 3);
  writeFileSync(path, lines.filter((_, i) => i !== 1).join('\n'));
  const deleted = verifyAuditFile(path);
  assert.is(!deleted.ok && deleted.badLine, 2);
});

test('npx just audit verify exits 1 and names the bad line', () => {
  const path = writeLog('node1', 4);
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, lines.map((l, i) => (i === 3 ? l.replace('LEADER', 'FOLLOWER') : l)).join('\n'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cluster/auth/audit-cli.ts', 'verify', 'node1'], { env: { ...process.env, RAFT_DATA_DIR: dir }, encoding: 'utf8' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, /node1: BAD at line 4 of 4/);
});

test.run();
