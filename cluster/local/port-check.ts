import { createServer } from 'node:net';

export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';
  constructor(readonly port: number, readonly owner: string) {
    super(`port ${port} (for ${owner}) is already in use by another process`);
  }
}

/** Whether host:port can be bound right now (another process may take it a moment later). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function assertPortsFree(ports: readonly { port: number; owner: string }[], host = '127.0.0.1'): Promise<void> {
  for (const { port, owner } of ports) {
    if (!(await isPortFree(port, host))) throw new PortInUseError(port, owner);
  }
}

/**
 * A base port such that base..base+count-1 are all free now, drawn at random from 20000-32000:
 * below Linux's ephemeral range (32768+), so outgoing connections never hold them, and random so
 * concurrent test files rarely collide.
 */
export async function findFreePortRange(count: number, host = '127.0.0.1', attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const base = 20_000 + Math.floor(Math.random() * (12_000 - count));
    let free = true;
    for (let p = base; p < base + count && free; p++) free = await isPortFree(p, host);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found in ${attempts} attempts`);
}
