// Real run folders for report tests: a short leader-kill through the chaos runner and a short
// open-loop bench through the bench CLI, both against a real cluster from test/cluster-harness.ts.
// Nothing here writes result files by hand; the folders are what the runner and the CLI produce.
import { spawn } from 'node:child_process';
import { clusterToken } from '../../cluster/common/client-credentials.ts';
import { renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { leaderKill } from '../../chaos/experiments/leader-kill.ts';
import { runExperiment } from '../../chaos/runner/run-experiment.ts';
import { openLocalTarget } from '../../chaos/runner/local-target.ts';
import { repoRoot } from '../../cluster/config.ts';
import type { Cluster } from '../../test/cluster-harness.ts';

export async function makeChaosRun(cluster: Cluster, runsDir: string, trials = 2): Promise<string> {
  const { target } = await openLocalTarget(cluster.config, cluster.manager, 42);
  const lines: string[] = [];
  const outcome = await runExperiment(target, {
    experiment: leaderKill, trials, seed: 42, rateRps: 40, holdMs: 500, concurrencyMax: 16,
    // A generous recovery bound: on a loaded machine a killed node takes many seconds to restart (13.8 s seen at load 20).
    recoveryTimeoutMs: 60_000, runsDir, log: (l) => lines.push(l),
    runInfo: { argv: ['leader-kill', '--trials', String(trials), '--seed', '42', '--rate', '40', '--duration', '500ms'] },
  });
  if (outcome.results.trials < 1) throw new Error(`chaos run produced no trial:\n${lines.join('\n')}`);
  return outcome.runDir;
}

/** Runs `just bench <rate>rps` against the cluster and moves its folder into runsDir. */
export async function makeBenchRun(cluster: Cluster, runsDir: string, args: readonly string[] = ['150rps', '--duration', '3s', '--warmup', '1s']): Promise<string> {
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'cli.ts'), ...args, '--connections', '16', '--target', cluster.gatewayUrl], {
      // A --target named by URL gets its token from $RAFT_TOKEN (cluster/common/client-credentials.ts).
      cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RAFT_TOKEN: clusterToken(cluster.dataDir) ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const dir = out.stdout.trim().split('\n').at(-1) ?? '';
  if (out.code !== 0 || !dir.includes('bench-')) throw new Error(`bench failed (${out.code}):\n${out.stdout}\n${out.stderr}`);
  const moved = join(runsDir, basename(dir));
  renameSync(dir, moved);
  return moved;
}
