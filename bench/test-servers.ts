// Small real HTTP servers for the load engine's tests and experiments (port 0, 127.0.0.1).
import { performance } from 'node:perf_hooks';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  port: number;
  /** Arrival time of every request (performance.now, ms), in arrival order. */
  arrivalsMs: number[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, arrivedMs: number) => void;

export async function startServer(handler: Handler): Promise<TestServer> {
  const arrivalsMs: number[] = [];
  const server: Server = createServer((req, res) => {
    const arrivedMs = performance.now();
    arrivalsMs.push(arrivedMs);
    req.resume();
    handler(req, res, arrivedMs);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    arrivalsMs,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export const answerOk: Handler = (_req, res) => { res.end('ok'); };

/** Answers at once, except that every request arriving in [stallFromMs, stallToMs) after the first
 *  request is held until stallToMs. Returns how many were held. */
export function stallingHandler(stallFromMs: number, stallToMs: number): { handler: Handler; held: () => number } {
  let firstMs: number | null = null;
  let held = 0;
  const handler: Handler = (_req, res, arrivedMs) => {
    firstMs ??= arrivedMs;
    const t = arrivedMs - firstMs;
    if (t >= stallFromMs && t < stallToMs) {
      held++;
      // Timers start from the event loop's cached clock and can fire a little early; the stall
      // must last its full length, so re-arm until it has.
      const releaseAtMs = firstMs + stallToMs;
      const release = (): void => {
        const leftMs = releaseAtMs - performance.now();
        if (leftMs > 0) setTimeout(release, leftMs);
        else res.end('ok');
      };
      release();
    } else {
      res.end('ok');
    }
  };
  return { handler, held: () => held };
}

/** A port on which nothing listens (bound once, then released). */
export async function closedPort(): Promise<number> {
  const s = await startServer(answerOk);
  await s.close();
  return s.port;
}
