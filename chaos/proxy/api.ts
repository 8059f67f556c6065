// Toxiproxy 2.12's HTTP API (gorilla/mux routing over go-http-server.ts), matching the real server byte for
// byte where clients could notice: status codes, JSON key order, Content-Type (errors are text/plain, as Go's
// http.Error sends them, with a trailing newline), X-Toxiproxy-Request-Id on routed responses
// only, bare 404/405 for unrouted paths and wrong methods, 403 for browser User-Agents.
import { PopulateError, type ProxyCollection } from './collection.ts';
import { ApiError, apiErrors } from './errors.ts';
import { GoInt, goStringify, type GoJson } from './go-json-encode.ts';
import { pathBytes, type GoHandler, type GoReadsBody, type GoRequest, type GoResponse } from './go-http-server.ts';
import { nextRequestId } from './request-id.ts';
import {
  decodePopulate, decodeProxyCreate, decodeProxyUpdate, decodeToxicCreate, decodeToxicUpdate,
} from './requests.ts';
import { proxyJson, toxicJson } from './wire.ts';
import type { ProxyLog } from './proxy.ts';

export const toxiproxyVersion = '2.12.0';

interface Reply {
  status: number;
  /** Absent for 204. */
  body?: string;
  contentType?: string;
  plainError?: boolean;
}

type Params = { proxy?: string; toxic?: string };
type Handler = (params: Params, body: string) => Promise<Reply> | Reply;

const json = (status: number, value: GoJson): Reply => ({ status, body: goStringify(value), contentType: 'application/json' });
const noContent: Reply = { status: 204 };

function errorReply(err: ApiError): Reply {
  return {
    status: err.status,
    body: `${goStringify({ error: err.message, status: new GoInt(err.status) })}\n`,
    contentType: 'text/plain; charset=utf-8',
    plainError: true,
  };
}

/** Which handlers read the body (Go's decode runs after the lookups that can fail first). */
function handlerReadsBody(collection: ProxyCollection, path: string[], method: string, params: Params): boolean {
  const proxy = params.proxy === undefined ? undefined : collection.find(params.proxy);
  switch (path.join('/')) {
    case 'proxies': return method === 'POST';
    case 'populate': return true;
    case 'proxies/:proxy': return (method === 'POST' || method === 'PATCH') && proxy !== undefined;
    case 'proxies/:proxy/toxics': return method === 'POST' && proxy !== undefined;
    case 'proxies/:proxy/toxics/:toxic':
      return (method === 'POST' || method === 'PATCH') && proxy?.findToxic(params.toxic!) !== undefined;
    default: return false;
  }
}

const isBrowser = (req: GoRequest) => (req.headers.get('User-Agent')?.[0] ?? '').startsWith('Mozilla/');

export function createApiHandler(collection: ProxyCollection, log: ProxyLog): GoHandler {
  return createApi(collection, log).handler;
}

/** The API's handler, and whether it would read a request's body (for Go's 100-continue rules). */
export function createApi(collection: ProxyCollection, log: ProxyLog): { handler: GoHandler; readsBody: GoReadsBody } {
  const locked = (fn: Handler): Handler => (params, body) => collection.exclusive(() => fn(params, body));

  const routes: Array<{ path: string[]; methods: Record<string, Handler> }> = [
    {
      path: ['version'],
      methods: { GET: () => ({ status: 200, body: `{"version": "${toxiproxyVersion}"}\n`, contentType: 'application/json;charset=utf-8' }) },
    },
    {
      path: ['proxies'],
      methods: {
        GET: () => json(200, new Map(collection.list().map((p) => [p.name, proxyJson(p)]))),
        POST: locked(async (_p, body) => json(201, proxyJson(await collection.create(decodeProxyCreate(body))))),
      },
    },
    { path: ['populate'], methods: { POST: locked((_p, body) => populate(collection, body)) } },
    { path: ['reset'], methods: { POST: locked(async () => { await collection.reset(); return noContent; }) } },
    {
      path: ['proxies', ':proxy'],
      methods: {
        GET: ({ proxy }) => json(200, proxyJson(collection.get(proxy!))),
        POST: locked(async (params, body) => {
          log('warn', 'ProxyUpdate: HTTP method POST is depercated. Use HTTP PATCH instead.', {});
          return updateProxy(collection, params, body);
        }),
        PATCH: locked((params, body) => updateProxy(collection, params, body)),
        DELETE: locked(({ proxy }) => { collection.delete(proxy!); return noContent; }),
      },
    },
    {
      path: ['proxies', ':proxy', 'toxics'],
      methods: {
        GET: ({ proxy }) => json(200, collection.get(proxy!).allToxics().map(toxicJson)),
        POST: locked(({ proxy }, body) => {
          const target = collection.get(proxy!);
          const spec = decodeToxicCreate(body, (name) => target.findToxic(name) !== undefined);
          const toxic = { ...spec };
          target.addToxic(toxic);
          return json(200, toxicJson(toxic));
        }),
      },
    },
    {
      path: ['proxies', ':proxy', 'toxics', ':toxic'],
      methods: {
        GET: ({ proxy, toxic }) => json(200, toxicJson(findToxic(collection, proxy!, toxic!).toxic)),
        POST: locked((params, body) => updateToxic(collection, params, body)),
        PATCH: locked((params, body) => updateToxic(collection, params, body)),
        DELETE: locked(({ proxy, toxic }) => {
          const found = findToxic(collection, proxy!, toxic!);
          found.proxy.removeToxic(found.toxic);
          return noContent;
        }),
      },
    },
  ];

  const lookup = (path: string) => {
    const segments = path.split('/').slice(1);
    for (const candidate of routes) {
      const params = matchPath(candidate.path, segments);
      if (params) return { route: candidate, params };
    }
    return undefined;
  };

  const readsBody: GoReadsBody = (req) => {
    if (cleanPath(req.path) !== req.path || isBrowser(req)) return false;
    const found = lookup(req.path);
    if (!found || !found.route.methods[req.method]) return false;
    return handlerReadsBody(collection, found.route.path, req.method, found.params);
  };

  // gorilla/mux: a path that is not clean is redirected (301) to its clean form; routes match the
  // decoded path ({proxy} is one segment); a known path with another method is a bare 405.
  const handler: GoHandler = async (req) => {
    const clean = cleanPath(req.path);
    if (clean !== req.path) {
      const location = escapePath(clean) + (req.rawQuery ? `?${req.rawQuery}` : '');
      return { status: 301, headers: { Location: location } };
    }
    const found = lookup(req.path);
    if (!found) return plainText(404, '404 page not found\n');
    const { route, params } = found;
    const handler = route.methods[req.method];
    if (!handler) return { status: 405, headers: {} };
    const requestId = nextRequestId();
    if (isBrowser(req)) {
      return reply(requestId, { status: 403, body: 'User agent not allowed\n', contentType: 'text/plain; charset=utf-8', plainError: true });
    }
    // A handler still reading a body at the read deadline: Go's TimeoutHandler answers 503, empty.
    if (req.bodyTimedOut && handlerReadsBody(collection, route.path, req.method, params)) {
      return reply(requestId, { status: 503, body: '' });
    }
    // Bytes as Go's decoder sees them (one char per byte): see parseGoJson.
    const body = req.body.toString('latin1');
    try {
      return reply(requestId, await handler(params, body));
    } catch (caught) {
      let err = caught;
      // The decoder ran out of body where the framing broke: Go reports the read error instead.
      if (req.bodyError && err instanceof ApiError && /^bad request body: (unexpected )?EOF$/.test(err.message)) {
        err = apiErrors.badBody(req.bodyError);
      }
      if (err instanceof ApiError) return reply(requestId, route.path[0] === 'populate' ? populateError(err) : errorReply(err));
      log('warn', 'Internal error', { error: String((err as Error)?.stack ?? err) });
      return reply(requestId, errorReply(new ApiError(500, String((err as Error)?.message ?? err), 'INTERNAL')));
    }
  };
  return { handler, readsBody };
}

/** mux's cleanPath: path.Clean, rooted, keeping a trailing slash. */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  if (!p.startsWith('/')) p = `/${p}`;
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  let np = `/${out.join('/')}`;
  if (p.endsWith('/') && np !== '/') np += '/';
  return np;
}

/** Go's url.URL.EscapedPath for a path with no raw form: escapes all but unreserved and $&+,/:;=@. */
function escapePath(p: string): string {
  let out = '';
  for (const byte of pathBytes(p)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function matchPath(pattern: string[], segments: string[]): Params | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = segments[i]!;
    if (want.startsWith(':')) {
      if (got === '') return undefined;
      params[want.slice(1) as keyof Params] = got;
    } else if (want !== got) return undefined;
  }
  return params;
}

function findToxic(collection: ProxyCollection, proxyName: string, toxicName: string) {
  const proxy = collection.get(proxyName);
  const toxic = proxy.findToxic(toxicName);
  if (!toxic) throw apiErrors.toxicNotFound();
  return { proxy, toxic };
}

async function updateProxy(collection: ProxyCollection, { proxy: name }: Params, body: string): Promise<Reply> {
  const proxy = collection.get(name!);
  const input = decodeProxyUpdate(body, { listen: proxy.listen, upstream: proxy.upstream, enabled: proxy.enabled });
  await collection.update(proxy, input);
  return json(200, proxyJson(proxy));
}

function updateToxic(collection: ProxyCollection, { proxy: proxyName, toxic: toxicName }: Params, body: string): Reply {
  const { proxy, toxic } = findToxic(collection, proxyName!, toxicName!);
  const update = decodeToxicUpdate(body, toxic);
  proxy.updateToxic(toxic, update.attributes, update.toxicity);
  return json(200, toxicJson(toxic));
}

async function populate(collection: ProxyCollection, body: string): Promise<Reply> {
  const specs = decodePopulate(body);
  const proxies = await collection.populate(specs);
  return json(201, { proxies: specs.length === 0 ? null : proxies.map(proxyJson) });
}

/**
 * /populate reports errors as JSON (not text/plain) with no newline, and beside the error the
 * proxies applied before the failing entry (null when none: Go encodes a nil slice).
 */
function populateError(err: ApiError): Reply {
  const applied = err instanceof PopulateError && err.applied.length > 0 ? err.applied.map(proxyJson) : null;
  return {
    status: err.status,
    body: goStringify({ error: err.message, status: new GoInt(err.status), proxies: applied }),
    contentType: 'application/json',
  };
}

/** Routed responses carry the request id; errors add nosniff, as Go's http.Error does. */
function reply(requestId: string, r: Reply): GoResponse {
  const headers: Record<string, string> = {};
  if (r.contentType) headers['Content-Type'] = r.contentType;
  if (r.plainError) headers['X-Content-Type-Options'] = 'nosniff';
  headers['X-Toxiproxy-Request-Id'] = requestId;
  return { status: r.status, headers, body: r.body };
}

/** Unrouted 404: Go's NotFound, without a request id. */
function plainText(status: number, body: string): GoResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, body };
}
