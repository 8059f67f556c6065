// `just bench floor`: the open-loop run of `just bench <N>rps`, aimed at the floor path
// (floor-path.ts) instead of the cluster. Stored like any run, so `just bench compare` reads a
// cluster run against the floor measured minutes apart on the same machine.
import type { BenchTarget, ClusterDescription } from '../cli/bench-target.ts';
import { startFloorPath } from './floor-path.ts';

export async function startFloorTarget(fsync: 'always' | 'never', log: (line: string) => void): Promise<BenchTarget> {
  const floor = await startFloorPath({ fsync });
  log(`floor path for this run: gateway -> leader -> 2 followers, plain node:http and TCP, one fdatasync per batch on each (fsync ${fsync}); no Raft, no Express, no validation`);
  const cluster: ClusterDescription = {
    origin: 'started', via: 'floor-path', runtime: 'local-processes', gatewayUrl: floor.url, nodes: [], fsync, config: null, dataDir: floor.dataDir,
  };
  return {
    url: floor.url,
    cluster,
    usage: () => ({ processes: [...floor.processes], metrics: [] }),
    // stop() is idempotent: the CLI releases once after the run and again in its finally.
    release: () => floor.stop(),
  };
}
