// The programmatic entry: start a Toxiproxy-compatible server in this process.
//   const tp = await startToxiproxyServer({ host: '127.0.0.1', port: 0 });
//   ... new Toxiproxy(tp.url) ...; await tp.close();
import { randomInt } from 'node:crypto';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { listenGoStyle, resolveListen, AddressError } from './address.ts';
import { createApi, toxiproxyVersion } from './api.ts';
import { createGoHttpServer } from './go-http-server.ts';
import { ProxyCollection } from './collection.ts';
import { ApiError } from './errors.ts';
import type { ProxyLog } from './proxy.ts';
import type { ProxySpec } from './requests.ts';
import { seededRandom as createRng } from '../../cluster/common/rng.ts';

export interface ToxiproxyServerOptions {
  /** API host; "localhost" binds 127.0.0.1 as Go does. Default "localhost". */
  host?: string;
  /** API port; 0 picks a free one. Default 8474. */
  port?: number;
  /** Seed for toxicity rolls, jitter and slicer sizes. Default: random (reported back). */
  seed?: number;
  /** Proxies to create before serving, like `toxiproxy-server -config`; a failure fails the start. */
  proxies?: ProxySpec[];
  log?: ProxyLog;
}

export interface StartedToxiproxyServer {
  /** Base URL for clients, e.g. http://127.0.0.1:8474 */
  url: string;
  host: string;
  port: number;
  seed: number;
  version: string;
  close(): Promise<void>;
}

export class ServerStartError extends Error {
  constructor(message: string, readonly code: 'API_LISTEN_FAILED' | 'CONFIG_REJECTED') {
    super(message);
  }
}

export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<StartedToxiproxyServer> {
  const host = options.host ?? 'localhost';
  const port = options.port ?? 8474;
  const seed = options.seed ?? randomInt(0, 2 ** 31);
  const log: ProxyLog = options.log ?? (() => {});
  const random = createRng(seed);
  const collection = new ProxyCollection({ nowMs: () => performance.now(), random }, log);

  if (options.proxies && options.proxies.length > 0) {
    try {
      await collection.populate(options.proxies);
    } catch (err) {
      // Entries before the failing one are listening: close them, the start fails as a whole.
      collection.closeAll();
      if (err instanceof ApiError) throw new ServerStartError(err.message, 'CONFIG_REJECTED');
      throw err;
    }
  }

  const api = createApi(collection, log);
  const server = createGoHttpServer(api.handler, undefined, api.readsBody);
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  let address: string;
  try {
    address = await listenGoStyle(server, await resolveListen(`${host}:${port}`));
  } catch (err) {
    collection.closeAll();
    if (err instanceof AddressError) throw new ServerStartError(err.message, 'API_LISTEN_FAILED');
    throw err;
  }
  const boundPort = (server.address() as net.AddressInfo).port;
  const urlHost = address.startsWith('[::]') ? '127.0.0.1' : address.slice(0, address.lastIndexOf(':'));
  log('info', 'Starting Toxiproxy HTTP server', { address });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${boundPort}`,
    host: urlHost,
    port: boundPort,
    seed,
    version: toxiproxyVersion,
    close() {
      closing ??= new Promise<void>((resolve) => {
        collection.closeAll();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
