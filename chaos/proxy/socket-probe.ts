// A client socket that records what happens to it (bytes, chunk count, EOF, close, error code)
// with timestamps, so tests can assert a toxic's effect on real bytes. Every wait is bounded.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export class SocketProbe {
  readonly socket: net.Socket;
  received = Buffer.alloc(0);
  chunks = 0;
  endedAtMs: number | undefined;
  closedAtMs: number | undefined;
  errorCode: string | undefined;
  private waiters: Array<() => void> = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => { this.received = Buffer.concat([this.received, d]); this.chunks++; this.notify(); });
    // Like an ordinary client, answer the peer's FIN with ours, so that 'close' follows.
    socket.on('end', () => { this.endedAtMs = performance.now(); socket.end(); this.notify(); });
    socket.on('error', (e: NodeJS.ErrnoException) => { this.errorCode = e.code; this.notify(); });
    socket.on('close', () => { this.closedAtMs = performance.now(); this.notify(); });
  }

  static connect(port: number): Promise<SocketProbe> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
      socket.once('connect', () => resolve(new SocketProbe(socket)));
      socket.once('error', reject);
    });
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves true once `predicate` holds, false if `timeoutMs` passes first. */
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (predicate()) { resolve(true); return; }
      const timer = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== check); resolve(predicate()); }, timeoutMs);
      const check = () => {
        if (predicate()) { clearTimeout(timer); resolve(true); } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  waitBytes(n: number, timeoutMs: number): Promise<boolean> {
    return this.waitFor(() => this.received.length >= n, timeoutMs);
  }

  waitClosed(timeoutMs: number): Promise<boolean> {
    return this.waitFor(() => this.closedAtMs !== undefined, timeoutMs);
  }

  /** Sends `data` and waits for as many bytes back; returns the elapsed ms or undefined on timeout. */
  async roundTrip(data: Buffer, timeoutMs: number): Promise<number | undefined> {
    const want = this.received.length + data.length;
    const started = performance.now();
    this.socket.write(data);
    return (await this.waitBytes(want, timeoutMs)) ? performance.now() - started : undefined;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
