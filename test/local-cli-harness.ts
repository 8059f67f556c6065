// The real local-cluster CLI (cluster/local/cli.ts, what `just up` runs) in a sandbox: a temp data
// dir, free ports, and an exit hook that kills what the CLI left running (it detaches its children
// on purpose) by their pid records, then removes the dir.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../cluster/config.ts';
import { findFreePortRange } from '../cluster/local/port-check.ts';
import { ProcessManager } from '../cluster/local/process-manager.ts';

export interface CliRun { code: number | null; stdout: string; stderr: string }

export interface LocalCliSandbox {
  readonly dataDir: string;
  /** The first of `ports` free ports; the caller's env says which goes where. */
  readonly basePort: number;
  /** The CLI's pid records for this data dir. */
  readonly records: ProcessManager;
  /** Runs the CLI with the sandbox's env; killed after `timeoutMs`. */
  cli(...args: string[]): Promise<CliRun>;
}

export interface SandboxOptions {
  readonly prefix: string;
  readonly ports: number;
  /** RAFT_* variables from the base port (RAFT_DATA_DIR is set here). */
  readonly env: (basePort: number) => Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export async function localCliSandbox(o: SandboxOptions): Promise<LocalCliSandbox> {
  const dataDir = mkdtempSync(join(tmpdir(), o.prefix));
  const basePort = await findFreePortRange(o.ports);
  const records = new ProcessManager(dataDir);
  process.on('exit', () => {
    for (const p of records.list()) if (p.alive) try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(dataDir, { recursive: true, force: true });
  });
  const cli = (...args: string[]): Promise<CliRun> => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...o.env(basePort), RAFT_DATA_DIR: dataDir };
    // The caller's shell must not change the cluster under test.
    for (const k of ['RAFT_NODES', 'RAFT_FSYNC', 'RAFT_CONFIG']) delete env[k];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'cluster/local/cli.ts', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d; });
      child.stderr.on('data', (d: Buffer) => { stderr += d; });
      const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    });
  };
  return { dataDir, basePort, records, cli };
}
