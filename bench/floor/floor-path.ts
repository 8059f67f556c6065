// The floor path: the cluster's write path with everything but the transport and the disk taken
// out (gateway -> leader -> followers over loopback TCP, one fdatasync per batch on each node),
// started as separate processes like the cluster's. Benchmarked at the cluster's rate it shows
// the latency this machine allows that topology at all, so a run of the cluster can be read
// against it: what is left above the floor is the cluster's own cost (Raft, Express,
// validation, batching); the floor itself is cores, wake-ups and disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeFlags } from '../../cluster/local/cluster-processes.ts';
import { startAnnouncedChild } from './announced-child.ts';
import type { AnnouncedChild } from './announced-child.ts';

export interface FloorPath {
  /** The floor gateway's origin: what the load goes to. */
  readonly url: string;
  readonly processes: readonly { name: string; pid: number }[];
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface FloorPathOptions {
  fsync: 'always' | 'never';
  /** Followers beside the leader; default 2 (the 3-node cluster). */
  followers?: number;
}

const script = (name: string): string => new URL(`./${name}.ts`, import.meta.url).pathname;

export async function startFloorPath(options: FloorPathOptions): Promise<FloorPath> {
  const followers = options.followers ?? 2;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
  const started: { name: string; child: AnnouncedChild }[] = [];
  const stop = async (): Promise<void> => {
    // Gateway first, followers last: nothing is left sending to a process already gone.
    for (const s of [...started].reverse()) await s.child.stop();
    started.length = 0;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const start = async (name: string, file: string, args: string[]): Promise<AnnouncedChild> => {
    const child = await startAnnouncedChild(script(file), args, runtimeFlags);
    started.push({ name, child });
    return child;
  };
  try {
    const logArgs = (name: string): string[] => ['--fsync', options.fsync, '--log', join(dataDir, `${name}.log`)];
    const followerPorts: number[] = [];
    for (let i = 1; i <= followers; i++) followerPorts.push((await start(`floor-follower${i}`, 'floor-follower', logArgs(`follower${i}`))).port);
    const leader = await start('floor-leader', 'floor-leader', [...logArgs('leader'), '--followers', followerPorts.join(',')]);
    const gateway = await start('floor-gateway', 'floor-gateway', ['--leader', String(leader.port)]);
    return {
      url: `http://127.0.0.1:${gateway.port}`,
      processes: started.map((s) => ({ name: s.name, pid: s.child.child.pid! })),
      dataDir,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
