import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adminTokenPath, createToken, ensureAdminToken, listTokens, revokeToken, roleAllows, TokenVerifier, tokensPath } from './token-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'token-store-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the first start makes one admin token, stored hashed; files are 0600', () => {
  assert.is(ensureAdminToken(dir).created, true);
  assert.is(ensureAdminToken(dir).created, false);
  const token = readFileSync(adminTokenPath(dir), 'utf8').trim();
  assert.not.ok(readFileSync(tokensPath(dir), 'utf8').includes(token), 'the plain token is not in tokens.json');
  assert.is(statSync(adminTokenPath(dir)).mode & 0o777, 0o600);
  assert.is(statSync(tokensPath(dir)).mode & 0o777, 0o600);
  const v = new TokenVerifier(dir);
  const verdict = v.verify(token);
  assert.ok(verdict.ok && verdict.token.role === 'admin');
});

test('created tokens count at once, revoked ones are refused at once and named', () => {
  const v = new TokenVerifier(dir);
  const { token } = createToken(dir, 'write', 'ci');
  assert.ok(v.verify(token).ok);
  revokeToken(dir, 'ci');
  const after = v.verify(token);
  assert.ok(!after.ok && after.reason === 'revoked' && after.token?.name === 'ci');
  assert.equal(v.verify('nope'), { ok: false, reason: 'unknown' });
  assert.equal(v.verify(null), { ok: false, reason: 'missing' });
  assert.is(listTokens(dir).length, 2);
});

test('roles are ordered read < write < admin', () => {
  assert.ok(roleAllows('admin', 'write'));
  assert.ok(roleAllows('write', 'read'));
  assert.not.ok(roleAllows('read', 'write'));
  assert.not.ok(roleAllows('write', 'admin'));
});

test.run();
