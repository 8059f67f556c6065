import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server as HttpServer, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { sendJson } from './json-body.ts';

/**
 * One port that serves TLS and plain HTTP, told apart by the connection's first byte (0x16 is
 * a TLS handshake record). Nodes keep one port for peers and clients, so the proxy links and
 * every experiment stay as they are, while peer routes demand a verified client certificate
 * (peer-identity.ts) and client routes may use either.
 */

export interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TlsOrPlainServer {
  readonly server: NetServer;
  readonly http: HttpServer;
  readonly https: HttpsServer | null;
}

/** A first byte must arrive within this, or the connection is dropped. */
const firstByteTimeoutMs = 10_000;

export function createTlsOrPlainServer(options: ServerOptions, tls: TlsMaterial | null, listener: RequestListener): TlsOrPlainServer {
  const http = createHttpServer(options, listener);
  // Certificates are asked for, and checked per route: client routes may come without one.
  const https = tls === null ? null : createHttpsServer({ ...options, ...tls, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, listener);
  // noDelay as http.createServer sets it (it does so in its own listener, which this one replaces):
  // without it every answer a node writes (batch-stream results, client responses) waits on Nagle.
  const server = createNetServer({ pauseOnConnect: true, noDelay: true }, (socket: Socket) => {
    socket.setTimeout(firstByteTimeoutMs, () => socket.destroy());
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (first === null) { socket.destroy(); return; }
      socket.setTimeout(0);
      socket.unshift(first);
      (first[0] === 0x16 && https !== null ? https : http).emit('connection', socket);
    });
    socket.on('error', () => socket.destroy());
    socket.resume();
    socket.pause();
  });
  const closeAll = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    http.close();
    https?.close();
    return closeAll(cb);
  }) as typeof server.close;
  return { server, http, https };
}

/** True when the request came over TLS with a certificate the cluster CA signed. */
export function verifiedPeerName(req: IncomingMessage): string | null {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.encrypted !== true || socket.authorized !== true || typeof socket.getPeerCertificate !== 'function') return null;
  const cert = socket.getPeerCertificate();
  const cn = cert?.subject?.CN;
  return typeof cn === 'string' ? cn : null;
}

/**
 * With client TLS on, a client route reached over plain HTTP is answered 403 `TLS_REQUIRED` and
 * the connection closed; `need` 'open' (health, metrics: Prometheus scrapes them) and 'peer'
 * (peer TLS decides) pass. True when the request was answered.
 */
export function refusePlainClient(req: IncomingMessage, res: ServerResponse, need: string): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true || need === 'open' || need === 'peer') return false;
  req.resume();
  res.shouldKeepAlive = false;
  sendJson(res, 403, { error: 'client TLS is on: use https (the cluster CA is <dataDir>/tls/ca.crt)', code: 'TLS_REQUIRED' });
  return true;
}
