// One proxied TCP connection: the client socket, the upstream socket, and a toxic chain per
// direction ("upstream" = client -> server, "downstream" = server -> client, as Toxiproxy names
// them). Flow control: a direction stops reading its source while more than `maxHeldBytes` are
// inside its chain or the destination's buffer is full, so a slow toxic pushes back on the
// sender through TCP instead of growing memory.
// Closing: EOF is passed on as a half-close (FIN) once the chain has let it through; the sockets
// are destroyed when both directions have ended, when a toxic closes or resets the connection, or
// on any socket error.
import net from 'node:net';
import { Chain, type ChainToxic } from './chain.ts';
import type { ToxicKind } from './toxics/stage.ts';

export type StreamName = 'upstream' | 'downstream';

export interface LinkEnv {
  nowMs(): number;
  random(): number;
}

const maxHeldBytes = 1024 * 1024;

class Direction {
  readonly chain: Chain;
  private held = 0;
  private pausedByUs = false;
  private destEnded = false;
  private closeWhenEnded = false;

  constructor(
    private readonly source: net.Socket,
    private readonly dest: net.Socket,
    toxics: readonly ChainToxic[],
    env: LinkEnv,
    private readonly link: Link,
  ) {
    this.chain = new Chain({
      deliver: (data) => this.deliver(data),
      dropped: (bytes) => { this.held -= bytes; this.maybeResume(); },
      endDestination: () => this.endDestination(),
      closeAfterEnd: () => this.closeAfterEnd(),
      reset: () => link.reset(),
      nowMs: () => env.nowMs(),
      random: () => env.random(),
    }, toxics);
    source.on('data', (data: Buffer) => {
      if (this.closeWhenEnded) return;
      this.held += data.length;
      this.chain.write(data);
      if (this.held > maxHeldBytes || dest.writableNeedDrain) {
        this.pausedByUs = true;
        source.pause();
      }
    });
    source.on('end', () => this.chain.end());
    dest.on('drain', () => this.maybeResume());
  }

  get finished(): boolean {
    return this.destEnded && this.dest.writableFinished;
  }

  private deliver(data: Buffer): void {
    this.held -= data.length;
    if (!this.destEnded && !this.dest.destroyed) this.dest.write(data);
    this.maybeResume();
  }

  private maybeResume(): void {
    if (this.pausedByUs && this.held <= maxHeldBytes && !this.dest.writableNeedDrain && !this.closeWhenEnded) {
      this.pausedByUs = false;
      this.source.resume();
    }
  }

  private endDestination(): void {
    if (this.destEnded) return;
    this.destEnded = true;
    if (this.dest.destroyed) { this.link.checkDone(); return; }
    this.dest.end(() => {
      if (this.closeWhenEnded) this.link.destroy();
      else this.link.checkDone();
    });
  }

  private closeAfterEnd(): void {
    this.closeWhenEnded = true;
    this.source.pause();
  }
}

export class Link {
  readonly upstreamDir: Direction;
  readonly downstreamDir: Direction;
  private done = false;

  constructor(
    readonly client: net.Socket,
    readonly server: net.Socket,
    toxics: { upstream: readonly ChainToxic[]; downstream: readonly ChainToxic[] },
    env: LinkEnv,
    private readonly onClosed: (link: Link) => void,
  ) {
    client.setNoDelay(true);
    server.setNoDelay(true);
    this.upstreamDir = new Direction(client, server, toxics.upstream, env, this);
    this.downstreamDir = new Direction(server, client, toxics.downstream, env, this);
    for (const socket of [client, server]) {
      socket.on('error', () => this.destroy());
      socket.on('close', (hadError) => { if (hadError) this.destroy(); else this.checkDone(); });
    }
  }

  chain(stream: StreamName): Chain {
    return stream === 'upstream' ? this.upstreamDir.chain : this.downstreamDir.chain;
  }

  addToxic(stream: StreamName, toxic: ChainToxic): void { this.chain(stream).add(toxic); }
  updateToxic(stream: StreamName, toxic: ChainToxic): void { this.chain(stream).update(toxic); }
  removeToxic(stream: StreamName, name: string, kind: ToxicKind): void { this.chain(stream).remove(name, kind); }

  checkDone(): void {
    if (this.upstreamDir.finished && this.downstreamDir.finished) this.destroy();
  }

  /** Sends RST to both peers (SO_LINGER 0), as a reset_peer toxic asks. */
  reset(): void {
    if (this.done) return;
    for (const socket of [this.client, this.server]) {
      if (!socket.destroyed) socket.resetAndDestroy();
    }
    this.destroy();
  }

  destroy(): void {
    if (this.done) return;
    this.done = true;
    this.upstreamDir.chain.stopAll();
    this.downstreamDir.chain.stopAll();
    this.client.destroy();
    this.server.destroy();
    this.onClosed(this);
  }
}

/** Connects to `upstream` for an accepted client; a failed dial closes the client. */
export function openLink(
  client: net.Socket,
  upstream: { host: string; port: number },
  toxics: { upstream: readonly ChainToxic[]; downstream: readonly ChainToxic[] },
  env: LinkEnv,
  onClosed: (link: Link) => void,
): Link {
  const server = net.connect({ host: upstream.host, port: upstream.port, allowHalfOpen: true });
  return new Link(client, server, toxics, env, onClosed);
}
