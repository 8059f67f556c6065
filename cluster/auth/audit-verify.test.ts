import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditKeyPath, auditLogPath, openAuditLog, readAuditKey } from './audit-log.ts';
import { verifyAuditFile } from './audit-verify.ts';

const dir = mkdtempSync(join(tmpdir(), 'audit-verify-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function writeLog(id: string, n: number): string {
  const log = openAuditLog(dir, id, () => 1_000);
  for (let i = 1; i <= n; i++) log.record('role', { term: i, role: 'LEADER' });
  return auditLogPath(dir, id);
}
const keyOf = (id: string) => readAuditKey(dir, id)!;

function runVerify(name: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'cluster/auth/audit-cli.ts', 'verify', name], { env: { ...process.env, RAFT_DATA_DIR: dir }, encoding: 'utf8' });
}

test('an untouched log verifies, also across a restart that continues the chain; its key is 0600 and lines stay JSON', () => {
  const path = writeLog('n1', 3);
  const again = openAuditLog(dir, 'n1', () => 2_000);
  again.record('started', { term: 3 });
  assert.equal(verifyAuditFile(path, keyOf('n1')), { ok: true, lines: 4 });
  assert.is(statSync(auditKeyPath(dir, 'n1')).mode & 0o777, 0o600);
  const first = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!) as { kind: string; term: number; mac: string };
  assert.equal([first.kind, first.term, first.mac.length], ['role', 1, 64]);
});

test('an edited line is named; a deleted line is named where the chain breaks', () => {
  const path = writeLog('n2', 5);
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, lines.map((l, i) => (i === 2 ? l.replace('"term":3', '"term":9') : l)).join('\n'));
  const edited = verifyAuditFile(path, keyOf('n2'));
  assert.is(edited.ok, false);
  assert.is(!edited.ok && edited.badLine, 3);
  writeFileSync(path, lines.filter((_, i) => i !== 1).join('\n'));
  const deleted = verifyAuditFile(path, keyOf('n2'));
  assert.is(!deleted.ok && deleted.badLine, 2);
});

test('a tail rewritten from an edit onward, with a consistent chain under a guessed key, is caught at the edit', () => {
  const path = writeLog('n3', 6);
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  // The attacker's rewrite: from line 3 on, recompute every prev and mac with a key of their own.
  const forgedKey = randomBytes(32);
  let prev = (JSON.parse(lines[1]!) as { mac: string }).mac;
  const rewritten = lines.map((l, i) => {
    if (i < 2) return l;
    const { mac: _mac, prev: _prev, ...event } = JSON.parse(l) as Record<string, unknown>;
    if (i === 2) event.role = 'FOLLOWER';
    const body = JSON.stringify({ ...event, prev });
    prev = createHmac('sha256', forgedKey).update(body).digest('hex');
    return `${body.slice(0, -1)},"mac":"${prev}"}`;
  });
  writeFileSync(path, `${rewritten.join('\n')}\n`);
  assert.equal(verifyAuditFile(path, forgedKey), { ok: false, lines: 6, badLine: 1, reason: 'its text does not match its mac under the key (edited, rewritten, or not a chained line)' });
  const v = verifyAuditFile(path, keyOf('n3'));
  assert.is(!v.ok && v.badLine, 3);
});

test('a log written before logs were keyed is kept aside and a keyed one begins, its seq continuing', () => {
  const id = 'legacy';
  mkdirSync(join(dir, id), { recursive: true });
  writeFileSync(auditLogPath(dir, id), '{"seq":1,"kind":"role","prev":"x","hash":"y"}\n{"seq":2,"kind":"role","prev":"y","hash":"z"}\n');
  const log = openAuditLog(dir, id, () => 5_000);
  assert.is(log.record('started').seq, 3);
  assert.ok(existsSync(join(dir, id, 'audit.unkeyed-5000.jsonl')), readdirSync(join(dir, id)).join(','));
  assert.equal(verifyAuditFile(auditLogPath(dir, id), keyOf(id)), { ok: true, lines: 1 });
});

test('npx just audit verify exits 1 and names the bad line; without the key file it refuses to call the log good', () => {
  const path = writeLog('node1', 4);
  assert.is(runVerify('node1').status, 0);
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, lines.map((l, i) => (i === 3 ? l.replace('LEADER', 'FOLLOWER') : l)).join('\n'));
  const r = runVerify('node1');
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, /node1: BAD at line 4 of 4/);
  rmSync(auditKeyPath(dir, 'node1'));
  const noKey = runVerify('node1');
  assert.is(noKey.status, 1);
  assert.match(noKey.stdout, /no audit key/);
});

test.run();
