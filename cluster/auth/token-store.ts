import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminTokenPath, authDir } from '../common/credential-paths.ts';

/**
 * Bearer tokens of one cluster, in `<dataDir>/auth/tokens.json` (mode 0600). Only a token's
 * SHA-256 is stored: tokens are 32 random bytes, so a fast hash is as strong as a slow one.
 * Revoked tokens stay listed (revokedAtMs) so a refusal can name the token that was used.
 */

export type Role = 'read' | 'write' | 'admin';
export const roles: readonly Role[] = ['read', 'write', 'admin'];

export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly sha256: string;
  readonly createdAtMs: number;
  readonly revokedAtMs?: number;
}

interface TokenFile { readonly tokens: TokenRecord[] }

export { adminTokenPath, authDir };

export class AuthError extends Error {
  constructor(readonly code: 'TOKEN_STORE_INVALID' | 'TOKEN_NOT_FOUND' | 'BAD_ROLE', message: string) {
    super(message);
  }
}

export function tokensPath(dataDirAbs: string): string {
  return join(authDir(dataDirAbs), 'tokens.json');
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

export function roleAllows(have: Role, need: Role): boolean {
  return roles.indexOf(have) >= roles.indexOf(need);
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (roles as readonly string[]).includes(v);
}

function readTokenFile(path: string): TokenFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tokens: [] };
    throw new AuthError('TOKEN_STORE_INVALID', `cannot read ${path}: ${(err as Error).message}`);
  }
  const tokens = (parsed as { tokens?: unknown }).tokens;
  if (!Array.isArray(tokens)) throw new AuthError('TOKEN_STORE_INVALID', `${path}: "tokens" must be an array`);
  for (const t of tokens as TokenRecord[]) {
    if (typeof t?.id !== 'string' || typeof t.name !== 'string' || !isRole(t.role) || !/^[0-9a-f]{64}$/.test(String(t.sha256))) {
      throw new AuthError('TOKEN_STORE_INVALID', `${path}: a token entry is malformed`);
    }
  }
  return { tokens: tokens as TokenRecord[] };
}

/** Writes the whole file atomically (temp + rename), so a reader never sees half of it. */
function writeTokenFile(dataDirAbs: string, file: TokenFile): void {
  const dir = authDir(dataDirAbs);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.tokens.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, tokensPath(dataDirAbs));
}

export function newTokenRecord(name: string, role: Role, clock: () => number = Date.now): { token: string; record: TokenRecord } {
  const id = randomBytes(4).toString('hex');
  const token = `rct_${id}_${randomBytes(32).toString('base64url')}`;
  return { token, record: { id, name, role, sha256: sha256(token).toString('hex'), createdAtMs: clock() } };
}

/** Adds a token and returns it in plain text: the only time it is ever shown. */
export function createToken(dataDirAbs: string, role: Role, name: string): { token: string; record: TokenRecord } {
  if (!isRole(role)) throw new AuthError('BAD_ROLE', `role must be one of ${roles.join(', ')}, got "${String(role)}"`);
  const file = readTokenFile(tokensPath(dataDirAbs));
  const made = newTokenRecord(name, role);
  writeTokenFile(dataDirAbs, { tokens: [...file.tokens, made.record] });
  return made;
}

export function listTokens(dataDirAbs: string): TokenRecord[] {
  return readTokenFile(tokensPath(dataDirAbs)).tokens;
}

/** Revokes by id or name (every active token of that name). */
export function revokeToken(dataDirAbs: string, idOrName: string, clock: () => number = Date.now): TokenRecord[] {
  const file = readTokenFile(tokensPath(dataDirAbs));
  const hit = (t: TokenRecord) => t.revokedAtMs === undefined && (t.id === idOrName || t.name === idOrName);
  const revoked = file.tokens.filter(hit);
  if (revoked.length === 0) throw new AuthError('TOKEN_NOT_FOUND', `no active token with id or name "${idOrName}"`);
  const now = clock();
  writeTokenFile(dataDirAbs, { tokens: file.tokens.map((t) => (hit(t) ? { ...t, revokedAtMs: now } : t)) });
  return revoked;
}

/**
 * The first start's admin token: tokens.json and admin.token are made in a private temp folder
 * and renamed into place in one step, so processes starting together agree on one token.
 */
export function ensureAdminToken(dataDirAbs: string): { created: boolean } {
  try {
    statSync(tokensPath(dataDirAbs));
    return { created: false };
  } catch { /* none yet */ }
  mkdirSync(dataDirAbs, { recursive: true });
  const tmp = join(dataDirAbs, `.auth.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  mkdirSync(tmp, { mode: 0o700 });
  const made = newTokenRecord('admin', 'admin');
  writeFileSync(join(tmp, 'tokens.json'), `${JSON.stringify({ tokens: [made.record] }, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(join(tmp, 'admin.token'), `${made.token}\n`, { mode: 0o600 });
  try {
    renameSync(tmp, authDir(dataDirAbs));
    chmodSync(authDir(dataDirAbs), 0o700);
    return { created: true };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return { created: false };
    throw err;
  }
}

export type Verdict =
  | { readonly ok: true; readonly token: TokenRecord }
  | { readonly ok: false; readonly reason: 'missing' | 'unknown' | 'revoked'; readonly token?: TokenRecord };

/**
 * The server side: verifies a presented token against the file, which it re-reads whenever the
 * file changed (one stat per check), so created and revoked tokens count at once.
 */
export class TokenVerifier {
  private stamp = '';
  private entries: { record: TokenRecord; hash: Buffer }[] = [];

  constructor(private readonly dataDirAbs: string) {
    this.reload();
  }

  private reload(): void {
    const path = tokensPath(this.dataDirAbs);
    let stamp = 'absent';
    try {
      const st = statSync(path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch { /* absent: no token is valid */ }
    if (stamp === this.stamp) return;
    // A malformed file keeps the previous tokens rather than opening or closing everything.
    const file = readTokenFile(path);
    this.entries = file.tokens.map((record) => ({ record, hash: Buffer.from(record.sha256, 'hex') }));
    this.stamp = stamp;
  }

  verify(presented: string | null): Verdict {
    if (presented === null || presented === '') return { ok: false, reason: 'missing' };
    try { this.reload(); } catch { /* keep the tokens last read */ }
    const hash = sha256(presented);
    // Every entry is compared in constant time and none ends the loop early.
    let found: TokenRecord | undefined;
    for (const e of this.entries) if (timingSafeEqual(hash, e.hash)) found = e.record;
    if (!found) return { ok: false, reason: 'unknown' };
    if (found.revokedAtMs !== undefined) return { ok: false, reason: 'revoked', token: found };
    return { ok: true, token: found };
  }
}
