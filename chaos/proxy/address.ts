// "host:port" strings as Go's net package reads and prints them, with Go's error texts, so that a
// bad listen address gives the same 500 body as Toxiproxy ("listen tcp: address x: missing port in
// address"). Go quirks kept on purpose: "localhost" means 127.0.0.1, and a wildcard host ("" or
// 0.0.0.0) listens dual-stack and is reported as "[::]:port".
import { lookup } from 'node:dns/promises';
import net from 'node:net';

export class AddressError extends Error {
  readonly code = 'ADDRESS_INVALID';
}

export interface HostPort {
  host: string;
  port: number;
}

/** Go's net.SplitHostPort plus port parsing; `op` prefixes the message ("listen tcp"). */
export function splitHostPort(address: string, op: string): HostPort {
  const prefix = op === '' ? '' : `${op}: `;
  const fail = (why: string, what = address): never => {
    throw new AddressError(`${prefix}address ${what}: ${why}`);
  };
  // Go's net.Listen takes "" as "all interfaces, any port".
  if (address === '') return { host: '', port: 0 };
  let host: string;
  let portText: string;
  const colon = address.lastIndexOf(':');
  if (colon < 0) return fail('missing port in address');
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) return fail("missing ']' in address");
    if (close + 1 !== colon) return fail(close + 1 === address.length ? 'missing port in address' : 'too many colons in address');
    host = address.slice(1, close);
    portText = address.slice(colon + 1);
  } else {
    host = address.slice(0, colon);
    if (host.includes(':')) return fail('too many colons in address');
    portText = address.slice(colon + 1);
  }
  if (portText === '') return { host, port: 0 };
  if (!/^\d+$/.test(portText)) throw new AddressError(`${prefix}lookup tcp/${portText}: unknown port`);
  const port = Number(portText);
  if (port > 65535) return fail('invalid port', portText);
  return { host, port };
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export interface ListenTarget {
  /** What to pass to net.Server#listen. */
  bindHost: string;
  port: number;
  /** How Go names the address in bind errors ("127.0.0.1:8474", ":8474"). */
  errorName: string;
  wildcard: boolean;
}

export async function resolveListen(address: string): Promise<ListenTarget> {
  const { host, port } = splitHostPort(address, 'listen tcp');
  if (host === '' || host === '0.0.0.0' || host === '::') {
    return { bindHost: '::', port, errorName: joinHostPort(host, port), wildcard: true };
  }
  if (host === 'localhost') return { bindHost: '127.0.0.1', port, errorName: `127.0.0.1:${port}`, wildcard: false };
  if (net.isIP(host)) return { bindHost: host, port, errorName: joinHostPort(host, port), wildcard: false };
  try {
    const found = await lookup(host, { family: 4 }).catch(() => lookup(host));
    return { bindHost: found.address, port, errorName: joinHostPort(found.address, port), wildcard: false };
  } catch {
    throw new AddressError(`listen tcp: lookup ${host}${await resolverSuffix()}: no such host`);
  }
}

const bindErrorTexts: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'cannot assign requested address',
};

/** Binds a server the way Go's net.Listen would, and returns the address Go would report. */
export async function listenGoStyle(server: net.Server, target: ListenTarget): Promise<string> {
  const attempt = (host: string) => new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => { server.off('listening', onListening); reject(err); };
    const onListening = () => { server.off('error', onError); resolve(); };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port: target.port, ipv6Only: false });
  });
  try {
    await attempt(target.bindHost);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // A host without IPv6 cannot open the dual-stack socket; Go then falls back to IPv4 too.
    if (target.wildcard && (e.code === 'EAFNOSUPPORT' || e.code === 'EADDRNOTAVAIL')) {
      try { await attempt('0.0.0.0'); } catch (err2) { throw bindError(err2 as NodeJS.ErrnoException, target); }
    } else throw bindError(e, target);
  }
  const bound = server.address() as net.AddressInfo;
  if (target.wildcard) return `[::]:${bound.port}`;
  return joinHostPort(bound.address, bound.port);
}

function bindError(err: NodeJS.ErrnoException, target: ListenTarget): AddressError {
  const text = bindErrorTexts[err.code ?? ''] ?? err.message;
  return new AddressError(`listen tcp ${target.errorName}: bind: ${text}`);
}

/**
 * Go's net.ResolveTCPAddr("tcp", address).String(): how Toxiproxy decides whether a new listen
 * address differs from the current one. Errors carry Go's text without the "listen tcp: " prefix
 * ("address foo: missing port in address"), as ResolveTCPAddr returns them. Names resolve to their
 * first IPv4 address ("localhost:P" is "127.0.0.1:P"); an empty host prints as ":P".
 */
export async function resolveTcpAddr(address: string): Promise<string> {
  if (address === '') return ':0';
  const { host, port } = splitHostPort(address, '');
  if (host === '') return `:${port}`;
  if (net.isIP(host)) return joinHostPort(canonicalIp(host), port);
  if (host === 'localhost') return `127.0.0.1:${port}`;
  try {
    const found = await lookup(host, { family: 4 }).catch(() => lookup(host));
    return joinHostPort(found.address, port);
  } catch {
    throw new AddressError(`lookup ${host}${await resolverSuffix()}: no such host`);
  }
}

/** Go prints IPv4-mapped IPv6 as dotted quad and IPv6 in its shortest form. */
function canonicalIp(ip: string): string {
  if (net.isIPv4(ip)) return ip;
  const url = new URL(`http://[${ip}]/`);
  const short = url.hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(short);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return short;
}

/** Go's pure resolver names the server it asked: " on 127.0.0.53:53". */
async function resolverSuffix(): Promise<string> {
  try {
    const { readFile } = await import('node:fs/promises');
    const conf = await readFile('/etc/resolv.conf', 'utf8');
    const server = /^\s*nameserver\s+(\S+)/m.exec(conf)?.[1];
    return server ? ` on ${joinHostPort(server, 53)}` : '';
  } catch {
    return '';
  }
}
