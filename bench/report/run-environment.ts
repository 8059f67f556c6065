// Where a run happened, stored in run.json so two runs can be judged comparable (or not).
// The machine is often shared: the load average at start and end says how busy it was.
import { cpus, hostname, loadavg, platform, release, totalmem } from 'node:os';
import { repoRoot } from '../../cluster/config.ts';
import { gitState, type GitState } from '../../cluster/common/git-state.ts';

export interface RunEnvironment {
  cpuModel: string | null;
  cpuCount: number;
  memoryBytes: number;
  platform: string;
  kernel: string;
  hostname: string;
  node: string;
  /** The generator's own Node/V8 flags: its GC pauses show in every latency (justfile `gen`). */
  nodeFlags: string[];
  git: GitState;
  loadAverage1m: number;
}

export function captureEnvironment(): RunEnvironment {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model ?? null,
    cpuCount: cpuList.length,
    memoryBytes: totalmem(),
    platform: platform(),
    kernel: release(),
    hostname: hostname(),
    node: process.version,
    nodeFlags: process.execArgv.filter((a) => a.startsWith('--') && a !== '--import' && a !== 'tsx'),
    git: gitState(repoRoot),
    loadAverage1m: loadavg()[0] ?? 0,
  };
}

export function currentLoadAverage1m(): number {
  return loadavg()[0] ?? 0;
}
