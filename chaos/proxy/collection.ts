// The set of proxies by name, and the operations that change more than one proxy at a time.
// Every mutation runs through `exclusive`, so concurrent API calls see each other's effects in
// order (Toxiproxy holds a collection lock for the same reason) even across awaits on bind().
import { AddressError, resolveTcpAddr } from './address.ts';
import { ApiError, apiErrors } from './errors.ts';
import type { LinkEnv } from './link.ts';
import { Proxy, type ProxyLog } from './proxy.ts';
import type { ProxySpec } from './requests.ts';

function listenError(err: unknown): never {
  if (err instanceof AddressError) throw apiErrors.listenFailed(err.message);
  throw err;
}

/** A /populate entry failed: `applied` are the proxies created or kept before it. */
export class PopulateError extends ApiError {
  constructor(cause: ApiError, readonly applied: Proxy[]) {
    super(cause.status, cause.message, cause.code);
  }
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

  /** Sorted by name as Go's encoder sorts map keys: by UTF-8 bytes, not UTF-16 units. */
  list(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  }

  find(name: string): Proxy | undefined {
    return this.proxies.get(name);
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

  /**
   * Toxiproxy's Proxy.Update, rule by rule: the new listen is resolved first, and a resolve error
   * is a 500 with nothing changed. Only a listen that resolves to a different address than the
   * one bound (or an upstream string that differs) restarts the listener and drops connections;
   * `localhost:P` for a proxy on `127.0.0.1:P` keeps them. A restart that cannot bind leaves the
   * proxy disabled at the new address (500), as upstream does.
   */
  async update(proxy: Proxy, input: Omit<ProxySpec, 'name'>): Promise<void> {
    if (await this.differs(proxy, input)) {
      proxy.stop();
      proxy.listen = input.listen;
      proxy.upstream = input.upstream;
    }
    if (input.enabled === proxy.enabled) return;
    if (input.enabled) await proxy.start().catch(listenError);
    else proxy.stop();
  }

  /** Go's Proxy.Differs; a listen that does not resolve is the caller's 500. */
  private async differs(proxy: Proxy, input: { listen: string; upstream: string }): Promise<boolean> {
    const resolved = await resolveTcpAddr(input.listen).catch(listenError);
    return resolved !== proxy.listen || input.upstream !== proxy.upstream;
  }

  /** Removes every toxic and enables every proxy; proxies themselves are kept. */
  async reset(): Promise<void> {
    for (const proxy of this.list()) {
      if (!proxy.enabled) await proxy.start().catch(listenError);
      proxy.removeAllToxics();
    }
  }

  /**
   * Toxiproxy's PopulateJson after validation: entries are applied one by one. An entry naming an
   * existing proxy with an equivalent listen and the same upstream keeps it as it is (toxics,
   * connections, enabled state); otherwise the old one stops and a fresh one takes its name. The
   * first entry that fails (a listen that does not resolve or bind) ends the batch: the proxies
   * applied before it stay, and are returned beside the error as a PopulateError.
   */
  async populate(specs: ProxySpec[]): Promise<Proxy[]> {
    const applied: Proxy[] = [];
    for (const spec of specs) {
      try {
        applied.push(await this.addOrReplace(spec));
      } catch (err) {
        if (err instanceof ApiError) throw new PopulateError(err, applied);
        throw err;
      }
    }
    return applied;
  }

  private async addOrReplace(spec: ProxySpec): Promise<Proxy> {
    const existing = this.proxies.get(spec.name);
    if (existing) {
      if (!(await this.differs(existing, spec))) return existing;
      existing.stop();
    }
    const proxy = new Proxy(spec.name, spec.listen, spec.upstream, this.env, this.log);
    // Upstream leaves a stopped predecessor in place when the new one cannot listen.
    if (spec.enabled) await proxy.start().catch(listenError);
    this.proxies.set(spec.name, proxy);
    return proxy;
  }

  closeAll(): void {
    for (const proxy of this.proxies.values()) proxy.stop();
    this.proxies.clear();
  }
}

