/**
 * The few Toxiproxy calls the nemesis needs, made through toxiproxy-node-client unchanged (the
 * client a user would point at real Toxiproxy), each with a deadline and idempotent where the
 * ledger's undo steps need it.
 *
 * Exports: `addToxic`, `removeToxic`, `enableProxy`, `listProxies`, `probeToxiproxy`,
 * `ProxyState`, `ToxicBody`, `proxyCallTimeoutMs`.
 *
 * The client has no deadline of its own; a stopped (SIGSTOP) proxy server would hang it
 * forever, so every call races a timer and fails as TOXIPROXY_FAILED.
 */
import net from 'node:net';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { NemesisError } from './errors.ts';

export interface ToxicBody {
  readonly name: string;
  readonly type: 'latency' | 'bandwidth' | 'timeout' | 'reset_peer' | 'slow_close' | 'slicer' | 'limit_data';
  readonly stream: 'upstream' | 'downstream';
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

export interface ProxyState {
  readonly name: string;
  readonly enabled: boolean;
  readonly toxics: readonly { name: string; type: string; stream: string }[];
}

/**
 * The proxy's API took over 3 s to answer at load average 30-43 on 2 cores (suite runs ended
 * unknown adding and removing toxics); every call is idempotent, so a longer wait costs only time.
 */
export const proxyCallTimeoutMs = 10_000;

/**
 * Every call here is idempotent (adding a toxic that exists is accepted), so a call that fails
 * at the connection level ("fetch failed": a pooled keep-alive socket the server closed at the
 * moment it was reused) is tried once more within the same deadline.
 */
async function withDeadline<T>(what: string, call: () => Promise<T>, timeoutMs = proxyCallTimeoutMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NemesisError('TOXIPROXY_FAILED', `${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const attempt = () => call().catch((err: unknown) => {
    if (err instanceof Error && err.message === 'fetch failed') return call();
    throw err;
  });
  try {
    return await Promise.race([attempt(), late]);
  } catch (err) {
    if (err instanceof NemesisError) throw err;
    throw new NemesisError('TOXIPROXY_FAILED', `${what}: ${(err as Error)?.message ?? String(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** The client reports HTTP failures only as "Request failed with status code N". */
function isStatus(err: unknown, status: number): boolean {
  return err instanceof Error && err.message.endsWith(`status code ${status}`);
}

export async function addToxic(client: Toxiproxy, proxyName: string, toxic: ToxicBody): Promise<void> {
  await withDeadline(`add toxic ${toxic.name} to ${proxyName}`, async () => {
    let proxy;
    try {
      proxy = await client.get(proxyName);
    } catch (err) {
      if (isStatus(err, 404)) throw new NemesisError('LINK_MISSING', `no proxy "${proxyName}" at ${client.host}; is the cluster running with links.mode=toxiproxy?`);
      throw err;
    }
    try {
      await proxy.addToxic({ ...toxic, attributes: { ...toxic.attributes } });
    } catch (err) {
      // 409: a toxic of this name is there already (a retried apply); names are unique per fault.
      if (!isStatus(err, 409)) throw err;
    }
  });
}

/** Idempotent: a missing proxy or toxic is already removed. */
export async function removeToxic(client: Toxiproxy, proxyName: string, toxicName: string): Promise<'removed' | 'absent'> {
  return withDeadline(`remove toxic ${toxicName} from ${proxyName}`, async () => {
    try {
      const proxy = await client.get(proxyName);
      const toxic = await proxy.getToxic(toxicName);
      await toxic.remove();
      return 'removed' as const;
    } catch (err) {
      if (isStatus(err, 404)) return 'absent' as const;
      throw err;
    }
  });
}

/** Idempotent: an enabled or missing proxy needs nothing. */
export async function enableProxy(client: Toxiproxy, proxyName: string): Promise<'enabled' | 'already' | 'absent'> {
  return withDeadline(`enable proxy ${proxyName}`, async () => {
    try {
      const proxy = await client.get(proxyName);
      if (proxy.enabled) return 'already' as const;
      await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
      return 'enabled' as const;
    } catch (err) {
      if (isStatus(err, 404)) return 'absent' as const;
      throw err;
    }
  });
}

/** Every proxy with its toxics (GET /proxies/{name}/toxics through the client's own HTTP API). */
export async function listProxies(client: Toxiproxy): Promise<ProxyState[]> {
  return withDeadline('list proxies', async () => {
    const proxies = Object.values(await client.getAll()).sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(proxies.map(async (p) => {
      const res = await client.getApi().get<{ name: string; type: string; stream: string }[]>(`${p.getPath()}/toxics`);
      return { name: p.name, enabled: p.enabled, toxics: (res.data ?? []).map((t) => ({ name: t.name, type: t.type, stream: t.stream })) };
    }));
  });
}

/**
 * Whether anything listens at the API address: `refused` means no server, and Toxiproxy keeps
 * proxies and toxics in memory only, so there is no toxic to remove; `silent` (connect timed
 * out: a stopped server, a firewall) is not the same and must count as a failure.
 */
export function probeToxiproxy(url: string, timeoutMs = 1000): Promise<'up' | 'refused' | 'silent'> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 80) });
    const done = (answer: 'up' | 'refused' | 'silent') => { socket.destroy(); clearTimeout(timer); resolve(answer); };
    const timer = setTimeout(() => done('silent'), timeoutMs);
    socket.once('connect', () => done('up'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : 'silent'));
  });
}
