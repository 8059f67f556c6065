import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Agent, Dispatcher } from 'undici';
import { adminTokenPath, tlsDir } from './credential-paths.ts';

/**
 * The client side of the cluster's tokens, in one place: every project command (chaos, bench,
 * dashboard, status, the test harness) talks to a cluster whose config it loaded, and
 * loadConfig() registers that cluster's origins here with its data directory. Requests to a
 * registered origin then carry `Authorization: Bearer <token>`: the admin token the first `up`
 * wrote to `<dataDir>/auth/admin.token`, else $RAFT_TOKEN. Requests to any other
 * origin (Prometheus, etcd, the proxy API) carry nothing, so the token goes nowhere else.
 *
 * With client TLS on, a cluster's origins are https: requests to them trust that cluster's CA
 * (`<dataDir>/tls/ca.crt`), and only for them; other origins keep the system's roots.
 */

const dataDirByOrigin = new Map<string, string>();
const tokenCache = new Map<string, { token: string | null; readAtMs: number }>();
/** The file is re-read at most this often, so a cluster wiped and started again is followed. */
const rereadMs = 1000;
let installed = false;
/** Storage nodes call no cluster API: they skip loading undici at all (startup CPU). */
let installWanted = true;

export function skipGlobalCredentials(): void {
  installWanted = false;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function tokenFile(dataDirAbs: string): string | null {
  const now = Date.now();
  const cached = tokenCache.get(dataDirAbs);
  if (cached && now - cached.readAtMs < rereadMs) return cached.token;
  let token: string | null = null;
  try {
    token = readFileSync(adminTokenPath(dataDirAbs), 'utf8').trim() || null;
  } catch { /* no token file */ }
  tokenCache.set(dataDirAbs, { token, readAtMs: now });
  return token;
}

/** The token for a data directory's cluster: its admin.token, else $RAFT_TOKEN; null when neither. */
export function clusterToken(dataDirAbs: string): string | null {
  return tokenFile(dataDirAbs) ?? (process.env.RAFT_TOKEN || null);
}

/**
 * A URL the user named (bench --target): $RAFT_TOKEN if set, else the admin token of the data
 * directory this process was configured with (the user's own `up`).
 */
const targetDirByOrigin = new Map<string, string>();
export function registerTargetOrigin(url: string, dataDirAbs: string): void {
  const origin = originOf(url);
  if (origin !== null) targetDirByOrigin.set(origin, dataDirAbs);
}

/** The data directory of the cluster an origin belongs to, if any. */
function dirForOrigin(origin: string): string | undefined {
  return targetDirByOrigin.get(origin) ?? dataDirByOrigin.get(origin);
}

const caCache = new Map<string, { ca: Buffer | null; readAtMs: number }>();
/** A data directory's cluster CA, re-read at most every rereadMs; null when it has none. */
function caOfDir(dataDirAbs: string): Buffer | null {
  const now = Date.now();
  const cached = caCache.get(dataDirAbs);
  if (cached && now - cached.readAtMs < rereadMs) return cached.ca;
  let ca: Buffer | null = null;
  try {
    ca = readFileSync(join(tlsDir(dataDirAbs), 'ca.crt'));
  } catch { /* no CA: TLS to it fails as for any untrusted server */ }
  caCache.set(dataDirAbs, { ca, readAtMs: now });
  return ca;
}

/** The cluster CA to trust for `url`: set when it is https and a registered cluster's origin. */
export function clusterCa(url: string | URL): Buffer | null {
  const origin = typeof url === 'string' ? originOf(url) : url.origin;
  if (origin === null || !origin.startsWith('https:')) return null;
  const dir = dirForOrigin(origin);
  return dir === undefined ? null : caOfDir(dir);
}

/**
 * TLS options for requests to `url`: `{ ca }` for a registered cluster's https origin, else `{}`.
 * Serves node:https, autocannon and undici alike (`new Pool(url, { connect: clusterTlsOptions(url) })`).
 */
export function clusterTlsOptions(url: string | URL): { ca?: Buffer } {
  const ca = clusterCa(url);
  return ca === null ? {} : { ca };
}

/** node:http's or node:https' `request` for `url`, and the TLS options to pass with it. */
export function requestFor(url: URL): { request: typeof httpRequest; tls: { ca?: Buffer } } {
  return url.protocol === 'https:' ? { request: httpsRequest, tls: clusterTlsOptions(url) } : { request: httpRequest, tls: {} };
}

/** One undici Agent per cluster CA, for global-dispatcher requests to that cluster's https origins. */
const agentByCa = new Map<string, Agent>();
function agentFor(ca: Buffer): Agent {
  const key = ca.toString('latin1');
  let agent = agentByCa.get(key);
  if (!agent) {
    const undici = createRequire(import.meta.url)('undici') as typeof import('undici');
    agent = new undici.Agent({ connect: { ca } });
    agentByCa.set(key, agent);
  }
  return agent;
}

/** The token for requests to an origin (`http://host:port`, no path), if a cluster's. */
function tokenForOrigin(origin: string): string | null {
  const target = targetDirByOrigin.get(origin);
  if (target !== undefined) return process.env.RAFT_TOKEN || tokenFile(target);
  const dir = dataDirByOrigin.get(origin);
  return dir === undefined ? null : clusterToken(dir);
}

/** The token for requests to `url`, if its origin belongs to a registered cluster. */
export function tokenFor(url: string | URL): string | null {
  const origin = typeof url === 'string' ? originOf(url) : url.origin;
  return origin === null ? null : tokenForOrigin(origin);
}

/** `{ authorization }` for a node:http request to `url`, or nothing. */
export function authHeader(url: string | URL): Record<string, string> {
  const token = tokenFor(url);
  return token === null ? {} : { authorization: `Bearer ${token}` };
}

function hasAuthorization(headers: Dispatcher.DispatchOptions['headers']): boolean {
  if (!headers) return false;
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) if (String(headers[i]).toLowerCase() === 'authorization') return true;
    return false;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [k] of headers as Iterable<[string, unknown]>) if (k.toLowerCase() === 'authorization') return true;
    return false;
  }
  return Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
}

function withHeader(headers: Dispatcher.DispatchOptions['headers'], value: string): Dispatcher.DispatchOptions['headers'] {
  if (!headers) return { authorization: value };
  if (Array.isArray(headers)) return [...headers, 'authorization', value] as string[];
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(headers as Iterable<[string, string]>), ['authorization', value]] as unknown as Dispatcher.DispatchOptions['headers'];
  return { ...(headers as Record<string, string>), authorization: value };
}

function interceptor(fixedOrigin: string | null): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    // Per request: no URL parsing when the origin is already one (a pool's, or undici's usual form).
    const origin = fixedOrigin ?? (opts.origin === undefined ? null : typeof opts.origin === 'string' ? opts.origin : opts.origin.origin);
    const token = origin === null ? null : (tokenForOrigin(origin) ?? (fixedOrigin === null ? tokenFor(origin) : null));
    const out = token === null || hasAuthorization(opts.headers) ? opts : { ...opts, headers: withHeader(opts.headers, `Bearer ${token}`) };
    // The global dispatcher's requests to a cluster's https origin go by an Agent that trusts its CA (a pool has it already).
    const ca = fixedOrigin === null && origin !== null && origin.startsWith('https:') ? clusterCa(origin) : null;
    return ca === null ? dispatch(out, handler) : agentFor(ca).dispatch(out, handler);
  };
}

/** An undici interceptor adding the cluster token to requests for registered origins that carry none. */
export const credentialsInterceptor = interceptor(null);

/**
 * A Pool or Client that sends the cluster token: `withCredentials(new Pool(url), url)`. A pool's
 * requests do not name their origin, so it is given here; the token is looked up per request.
 */
export function withCredentials(dispatcher: Dispatcher, url: string): Dispatcher {
  const origin = originOf(url);
  return origin === null ? dispatcher : dispatcher.compose(interceptor(origin));
}

/**
 * Registers a cluster's origins with its data directory and, once per process, puts the
 * interceptor on undici's global dispatcher (which global fetch uses too).
 */
export function registerClusterOrigins(dataDirAbs: string, urls: Iterable<string>): void {
  for (const url of urls) {
    const origin = originOf(url);
    if (origin !== null) dataDirByOrigin.set(origin, dataDirAbs);
  }
  if (!installed && installWanted) {
    installed = true;
    const undici = createRequire(import.meta.url)('undici') as typeof import('undici');
    undici.setGlobalDispatcher(undici.getGlobalDispatcher().compose(credentialsInterceptor));
  }
}
