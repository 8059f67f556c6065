// One named proxy: its listen/upstream addresses, its toxics, its listener and live links.
// Invariants: `enabled` is true exactly when a listener is bound; every toxic change reaches every
// live link before the call returns; stopping closes the listener and every link.
import net from 'node:net';
import { listenGoStyle, resolveListen, splitHostPort } from './address.ts';
import type { ChainToxic } from './chain.ts';
import { Link, openLink, type LinkEnv, type StreamName } from './link.ts';
import type { Attributes } from './toxics/stage.ts';

export interface Toxic extends ChainToxic {
  type: string;
  /** As the client sent it ("Upstream" stays "Upstream"); Toxiproxy echoes it back unchanged. */
  stream: string;
  /** The chain it acts on: `stream` lowercased. */
  direction: StreamName;
}

export interface ProxyLog {
  (level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void;
}

export class Proxy {
  enabled = false;
  private server: net.Server | null = null;
  private readonly links = new Set<Link>();
  /** Toxiproxy keeps one chain per stream and lists upstream toxics first. */
  readonly toxics: Record<StreamName, Toxic[]> = { upstream: [], downstream: [] };

  constructor(
    readonly name: string,
    public listen: string,
    public upstream: string,
    private readonly env: LinkEnv,
    private readonly log: ProxyLog,
  ) {}

  allToxics(): Toxic[] {
    return [...this.toxics.upstream, ...this.toxics.downstream];
  }

  findToxic(name: string): Toxic | undefined {
    return this.allToxics().find((t) => t.name === name);
  }

  /** Binds the listener (or adopts one already bound for this proxy's address). */
  async start(prebound?: net.Server): Promise<void> {
    if (this.enabled) return;
    let server = prebound;
    if (!server) {
      const bound = await Proxy.bind(this.listen);
      this.listen = bound.listen;
      server = bound.server;
    }
    server.on('connection', (client) => this.accept(client));
    this.server = server;
    this.enabled = true;
    this.log('info', 'Started proxy', { name: this.name, listen: this.listen, upstream: this.upstream });
  }

  /** A bound, not yet serving listener, and the address Go would report for it. */
  static async bind(listen: string): Promise<{ server: net.Server; listen: string }> {
    const target = await resolveListen(listen);
    const server = net.createServer({ allowHalfOpen: true, noDelay: true });
    // Accept errors (EMFILE and the like) must not kill the server; the listener keeps going.
    server.on('error', () => {});
    const bound = await listenGoStyle(server, target);
    return { server, listen: bound };
  }

  stop(): void {
    if (!this.enabled) return;
    this.enabled = false;
    this.server?.close();
    this.server = null;
    for (const link of [...this.links]) link.destroy();
    this.log('info', 'Terminated proxy', { name: this.name, listen: this.listen, upstream: this.upstream });
  }

  private accept(client: net.Socket): void {
    let target: { host: string; port: number };
    try {
      target = splitHostPort(this.upstream, 'dial tcp');
    } catch {
      client.destroy();
      return;
    }
    const link = openLink(client, target, this.toxics, this.env, (l) => this.links.delete(l));
    this.links.add(link);
  }

  addToxic(toxic: Toxic): void {
    this.toxics[toxic.direction].push(toxic);
    for (const link of this.links) link.addToxic(toxic.direction, toxic);
  }

  updateToxic(toxic: Toxic, attributes: Attributes, toxicity: number): void {
    toxic.attributes = attributes;
    toxic.toxicity = toxicity;
    for (const link of this.links) link.updateToxic(toxic.direction, toxic);
  }

  removeToxic(toxic: Toxic): void {
    const list = this.toxics[toxic.direction];
    list.splice(list.indexOf(toxic), 1);
    for (const link of [...this.links]) link.removeToxic(toxic.direction, toxic.name, toxic.kind);
  }

  removeAllToxics(): void {
    for (const toxic of this.allToxics()) this.removeToxic(toxic);
  }

  get connectionCount(): number {
    return this.links.size;
  }
}

