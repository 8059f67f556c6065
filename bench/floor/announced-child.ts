// Small helper processes the bench starts for itself (the trivial server, the floor path): each
// prints {"port":N} on stdout once listening and exits when its parent's stdin closes, so a
// bench that dies any way at all (crash, kill -9) leaves none of them behind.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

export interface AnnouncedChild {
  readonly child: ChildProcess;
  readonly port: number;
  /** Closes its stdin (it exits) and SIGTERMs it; resolves once it is gone. */
  stop(): Promise<void>;
}

/** Runs `script` (TypeScript, through tsx) and waits for the port it announces. */
export async function startAnnouncedChild(script: string, args: readonly string[] = [], nodeFlags: readonly string[] = []): Promise<AnnouncedChild> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin!.end();
      child.kill('SIGTERM');
    }
    await exited;
  };
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const port = (JSON.parse(line) as { port?: unknown }).port;
    if (typeof port !== 'number') break;
    lines.close();
    child.stdout!.resume();
    return { child, port, stop };
  }
  await stop();
  throw new Error(`${script} exited before announcing its port`);
}

/** The child's side: announce `server`'s port, and run `stop` when the parent goes away or on SIGTERM. */
export function announcePort(server: Server, stop: () => void): void {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

/** A child's required `--flag value` from its argv; a missing one is a bug in the parent. */
export function requiredFlag(args: readonly string[], flag: string): string {
  const i = args.indexOf(flag);
  if (i < 0 || args[i + 1] === undefined) throw new Error(`${process.argv[1]} needs ${flag}`);
  return args[i + 1]!;
}
