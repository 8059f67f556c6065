import type { IncomingMessage, ServerResponse } from 'node:http';
import { roleAllows, type Role, type TokenRecord, type TokenVerifier } from './token-store.ts';

/**
 * The token check in front of every HTTP surface (nodes and gateway). A route needs a role, or
 * is open (health, readiness, metrics: Prometheus scrapes them), or is a peer route (mutual TLS
 * decides, peer-identity.ts). 401 + WWW-Authenticate for a missing or bad token, 403 for a role
 * that is not enough; both as JSON {error, code}.
 */

export type Need = Role | 'open' | 'peer';

export interface AuthFailure {
  readonly status: 401 | 403;
  readonly reason: string;
  readonly source: string;
  readonly method: string;
  readonly path: string;
  readonly tokenName: string | null;
}

export interface RequestAuthOptions {
  /** null: auth is off (a setting every run records). */
  readonly verifier: TokenVerifier | null;
  readonly need: (method: string, path: string) => Need;
  readonly onFailure?: (f: AuthFailure) => void;
}

const tokenOf = new WeakMap<IncomingMessage, TokenRecord>();

/** The token a request was let in with (for audit lines of admin actions); null with auth off. */
export function requestToken(req: IncomingMessage): TokenRecord | null {
  return tokenOf.get(req) ?? null;
}

export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function bearerToken(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : '';
}

function refuse(req: IncomingMessage, res: ServerResponse, status: 401 | 403, error: string, code: string): void {
  const text = JSON.stringify({ error, code });
  const headers: Record<string, string | number> = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) };
  if (status === 401) headers['www-authenticate'] = `Bearer realm="raft-cluster"${code === 'UNAUTHORIZED' ? '' : ', error="invalid_token"'}`;
  // The body was not read; the connection cannot carry another request after it.
  if (!req.complete) res.shouldKeepAlive = false;
  req.resume();
  res.writeHead(status, headers);
  res.end(text);
}

/** Node rules: health and metrics open, peer routes by certificate, leadership transfer admin, reads read, the rest write. */
export function nodeNeed(method: string, path: string): Need {
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return 'open';
  if (path === '/raft/stream' || path === '/raft/messages') return 'peer';
  if (path === '/raft/transfer-leadership') return 'admin';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

export function gatewayNeed(method: string, path: string): Need {
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return 'open';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

/** True when the request may go on; otherwise it has been answered. */
export function authorize(req: IncomingMessage, res: ServerResponse, o: RequestAuthOptions): boolean {
  if (o.verifier === null) return true;
  const path = pathOf(req);
  const need = o.need(req.method ?? 'GET', path);
  if (need === 'open' || need === 'peer') return true;
  const verdict = o.verifier.verify(bearerToken(req));
  const fail = (status: 401 | 403, reason: string, tokenName: string | null): false => {
    o.onFailure?.({ status, reason, source: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`, method: req.method ?? '?', path, tokenName });
    return false;
  };
  if (!verdict.ok) {
    if (verdict.reason === 'missing') refuse(req, res, 401, 'this API needs a bearer token (Authorization: Bearer <token>; see npx just token)', 'UNAUTHORIZED');
    else if (verdict.reason === 'revoked') refuse(req, res, 401, `token ${verdict.token!.name} was revoked`, 'TOKEN_REVOKED');
    else refuse(req, res, 401, 'unknown bearer token', 'BAD_TOKEN');
    return fail(401, verdict.reason, verdict.token?.name ?? null);
  }
  if (!roleAllows(verdict.token.role, need)) {
    refuse(req, res, 403, `token ${verdict.token.name} has role ${verdict.token.role}; ${req.method} ${path} needs ${need}`, 'FORBIDDEN');
    return fail(403, `role ${verdict.token.role} < ${need}`, verdict.token.name);
  }
  tokenOf.set(req, verdict.token);
  return true;
}
