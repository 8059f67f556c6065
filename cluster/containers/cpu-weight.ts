/**
 * On cgroup v1, dockerd puts every container under one cgroup (/docker) whose CPU weight
 * (cpu.shares 1024) equals one host process's. On a busy machine all containers together then
 * get the share of one process: measured at load average 35 on 2 cores, `docker exec node -e 1`
 * took 2.3 s and a killed node needed 22 s to listen again; with 8192 shares, 0.16 s. `up`
 * raises the weight to that of the 8 processes a local cluster runs as (nodes, gateway, proxy,
 * monitoring), when it may; otherwise it says how.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export const dockerCpuShares = '/sys/fs/cgroup/cpu/docker/cpu.shares';
export const wantedShares = 8192;

/** A line saying what was done, or null when nothing applies (cgroup v2, or already raised). */
export function raiseDockerCpuWeight(path = dockerCpuShares): string | null {
  let current: number;
  try {
    current = Number(readFileSync(path, 'utf8').trim());
  } catch {
    return null; // cgroup v2 or another layout: weights are per container there
  }
  if (current >= wantedShares) return null;
  try {
    writeFileSync(path, String(wantedShares));
    return `raised the containers' CPU weight (${path}) from ${current} to ${wantedShares}: on cgroup v1 all containers share the weight of one host process`;
  } catch (err) {
    return `note: all containers share the CPU weight of one host process (${path} = ${current}); on a busy machine they starve. As root: echo ${wantedShares} > ${path} (${(err as Error).message})`;
  }
}
