// `just toxiproxy [--host H] [--port P] [--config FILE] [--seed N]`: runs the server in the
// foreground like toxiproxy-server (flags take one or two dashes, "--flag value" or
// "--flag=value"). Logs are JSON lines on stdout; SIGINT/SIGTERM stop it cleanly.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodePopulate } from './requests.ts';
import { ApiError } from './errors.ts';
import { startToxiproxyServer, ServerStartError } from './server.ts';
import { toxiproxyVersion } from './api.ts';
import type { ProxySpec } from './requests.ts';
import { UsageError, usageExitCode } from '../../cluster/common/cli-usage.ts';

const usage = 'usage: just toxiproxy [--host H] [--port P] [--config FILE] [--seed N] [--version]';

interface Flags { host: string; port: number; config?: string; seed?: number; version: boolean; help: boolean }

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { host: 'localhost', port: 8474, version: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--?([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument "${arg}"; ${usage}`);
    const name = match[1]!;
    if (name === 'version') { flags.version = true; continue; }
    if (name === 'help' || name === 'h') { flags.help = true; continue; }
    if (!['host', 'port', 'config', 'seed'].includes(name)) throw new UsageError(`flag provided but not defined: -${name}; ${usage}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`flag needs an argument: -${name}`);
    switch (name) {
      case 'host': flags.host = value; break;
      case 'port': {
        if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`invalid port "${value}": want 0-65535`);
        flags.port = Number(value);
        break;
      }
      case 'config': flags.config = value; break;
      case 'seed': {
        if (!/^-?\d+$/.test(value)) throw new UsageError(`invalid seed "${value}": want an integer`);
        flags.seed = Number(BigInt.asUintN(32, BigInt(value)));
        break;
      }
    }
  }
  return flags;
}

function readConfig(path: string): ProxySpec[] {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (err) {
    throw new UsageError(`cannot read config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return decodePopulate(text);
  } catch (err) {
    if (err instanceof ApiError) throw new UsageError(`config ${path}: ${err.message}`);
    throw err;
  }
}

function logLine(level: string, message: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ level, ...fields, time: new Date().toISOString(), message })}\n`);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) { process.stdout.write(`${usage}\n`); return; }
  if (flags.version) { process.stdout.write(`toxiproxy-server version ${toxiproxyVersion}\n`); return; }
  const proxies = flags.config === undefined ? undefined : readConfig(flags.config);
  // The seed decides toxicity rolls, jitter and slice sizes: printed first so a run can be replayed.
  const seed = flags.seed ?? randomInt(0, 2 ** 31);
  logLine('info', 'Starting Toxiproxy', { version: toxiproxyVersion, seed });
  const server = await startToxiproxyServer({ host: flags.host, port: flags.port, seed, proxies, log: logLine });
  logLine('info', 'Listening', { url: server.url, seed: server.seed, proxies: proxies?.length ?? 0 });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logLine('info', 'Shutdown started', { signal });
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ServerStartError) {
    process.stderr.write(`toxiproxy: ${err.message}\n`);
    process.exit(err instanceof UsageError ? usageExitCode : 1);
  }
  process.stderr.write(`toxiproxy: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
