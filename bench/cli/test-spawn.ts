// Runs bench/cli.ts as a child process for the CLI tests: bounded in time, output captured.
import { spawn } from 'node:child_process';
import { repoRoot } from '../../cluster/config.ts';

export interface CliRun { code: number | null; stdout: string; stderr: string; ms: number }

export function benchCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 90_000): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/cli.ts', ...args], {
      cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, ms: Date.now() - started }); });
  });
}

export function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}
