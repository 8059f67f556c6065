// The set of proxies by name, and the operations that change more than one proxy at a time.
// Every mutation runs through `exclusive`, so concurrent API calls see each other's effects in
// order (Toxiproxy holds a collection lock for the same reason) even across awaits on bind().
import type net from 'node:net';
import { AddressError, joinHostPort, resolveListen } from './address.ts';
import { apiErrors } from './errors.ts';
import type { LinkEnv } from './link.ts';
import { Proxy, type ProxyLog } from './proxy.ts';
import type { ProxySpec } from './requests.ts';

function listenError(err: unknown): never {
  if (err instanceof AddressError) throw apiErrors.listenFailed(err.message);
  throw err;
}

export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly env: LinkEnv, private readonly log: ProxyLog) {}

  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Sorted by name, as Go's encoder sorts map keys. */
  list(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw apiErrors.proxyNotFound();
    return proxy;
  }

  async create(spec: ProxySpec): Promise<Proxy> {
    if (this.proxies.has(spec.name)) throw apiErrors.proxyExists();
    const proxy = new Proxy(spec.name, spec.listen, spec.upstream, this.env, this.log);
    if (spec.enabled) await proxy.start().catch(listenError);
    this.proxies.set(spec.name, proxy);
    return proxy;
  }

  delete(name: string): void {
    this.get(name).stop();
    this.proxies.delete(name);
  }

  /** Toxiproxy's Proxy.Update: a changed address restarts the listener (dropping connections). */
  async update(proxy: Proxy, input: Omit<ProxySpec, 'name'>): Promise<void> {
    if (input.listen !== proxy.listen || input.upstream !== proxy.upstream) {
      proxy.stop();
      proxy.listen = input.listen;
      proxy.upstream = input.upstream;
    }
    if (input.enabled && !proxy.enabled) await proxy.start().catch(listenError);
    if (!input.enabled) proxy.stop();
  }

  /** Removes every toxic and enables every proxy; proxies themselves are kept. */
  async reset(): Promise<void> {
    for (const proxy of this.list()) {
      if (!proxy.enabled) await proxy.start().catch(listenError);
      proxy.removeAllToxics();
    }
  }

  /**
   * Creates or replaces proxies, all or nothing. An entry naming an existing proxy with the same
   * listen and upstream keeps it as it is (toxics, connections and enabled state); otherwise it
   * replaces it with a fresh one. Every new listener is bound before anything visible changes, and
   * a failure closes them all and leaves the collection untouched. A replacement listening where
   * its predecessor does takes over the predecessor's bound socket instead of rebinding.
   */
  async populate(specs: ProxySpec[]): Promise<Proxy[]> {
    const result: Proxy[] = [];
    const staged = new Map<string, { proxy: Proxy; server?: net.Server; adopt?: Proxy }>();
    const fresh: net.Server[] = [];
    try {
      for (const spec of specs) {
        const current = staged.get(spec.name)?.proxy ?? this.proxies.get(spec.name);
        const normalized = current ? await this.normalizedListen(spec.listen) : undefined;
        if (current && normalized === current.listen && spec.upstream === current.upstream) {
          result.push(current);
          continue;
        }
        const proxy = new Proxy(spec.name, spec.listen, spec.upstream, this.env, this.log);
        const entry: { proxy: Proxy; server?: net.Server; adopt?: Proxy } = { proxy };
        const live = this.proxies.get(spec.name);
        if (spec.enabled) {
          if (current === live && live?.enabled && normalized === live.listen) {
            entry.adopt = live;
            proxy.listen = live.listen;
          } else {
            const bound = await Proxy.bind(spec.listen).catch(listenError);
            fresh.push(bound.server);
            entry.server = bound.server;
            proxy.listen = bound.listen;
          }
        }
        staged.set(spec.name, entry);
        result.push(proxy);
      }
    } catch (err) {
      for (const server of fresh) server.close();
      throw err;
    }
    for (const [name, entry] of staged) {
      const old = this.proxies.get(name);
      const server = entry.adopt ? entry.adopt.detachListener() ?? undefined : entry.server;
      if (old && old !== entry.adopt) old.stop();
      this.proxies.set(name, entry.proxy);
      if (server) await entry.proxy.start(server);
    }
    // A staged proxy replaced again later in the same batch never started: release its socket.
    for (const server of fresh) if (![...staged.values()].some((e) => e.server === server)) server.close();
    return result;
  }

  private async normalizedListen(listen: string): Promise<string | undefined> {
    try {
      const target = await resolveListen(listen);
      if (target.port === 0) return undefined;
      return target.wildcard ? `[::]:${target.port}` : joinHostPort(target.bindHost, target.port);
    } catch {
      return undefined;
    }
  }

  closeAll(): void {
    for (const proxy of this.proxies.values()) proxy.stop();
    this.proxies.clear();
  }
}

