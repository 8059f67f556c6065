import { spawn, spawnSync } from 'node:child_process';

/** A docker/compose/apt command that failed: its command line and the tail of its stderr. */
export class CommandError extends Error {
  readonly code = 'COMMAND_FAILED';
}

/** Runs a command to completion, capturing its output; throws CommandError on a non-zero exit. */
export function run(command: string, args: readonly string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Buffer; timeoutMs?: number } = {}): string {
  const r = spawnSync(command, args, { cwd: o.cwd, env: o.env ?? process.env, input: o.input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: o.timeoutMs ?? 600_000 });
  if (r.error) throw new CommandError(`${command} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = (r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ');
    throw new CommandError(`${command} ${args.slice(0, 4).join(' ')}${args.length > 4 ? ' ...' : ''} exited ${r.status}: ${tail}`);
  }
  return r.stdout;
}

/** Runs a command with its output passed through to ours (long builds the user watches). */
export function runInherit(command: string, args: readonly string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: 'inherit' });
    child.on('error', (err) => reject(new CommandError(`${command}: ${err.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new CommandError(`${command} ${args.slice(0, 3).join(' ')} exited ${code}`))));
  });
}

/** True when `command` can be run (found on PATH and exits 0 for `args`). */
export function works(command: string, args: readonly string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
  return !r.error && r.status === 0;
}
