// `just bench etcd`: the open-loop run of `just bench <N>rps`, aimed at a 3-member etcd cluster
// the run starts (the reference the issue's targets were set against), so our cluster and etcd
// are measured by the same generator, minutes apart, on the same machine. Puts go to etcd's
// leader through its JSON gateway (POST /v3/kv/put): 100-byte values, like our write workload,
// over 1,000 keys.
import type { BenchTarget, ClusterDescription } from '../cli/bench-target.ts';
import type { RequestBuilder } from '../request-spec.ts';
import { startEtcdCluster } from './etcd-cluster.ts';

const value = Buffer.from('x'.repeat(100)).toString('base64');
const json = { 'content-type': 'application/json' };
// Encoded once: the builder runs on the generator's send path.
const bodies = Array.from({ length: 1000 }, (_, k) => `{"key":"${Buffer.from(`bench/${k}`).toString('base64')}","value":"${value}"}`);

export const etcdPut: RequestBuilder = (i) => ({ method: 'POST', path: '/v3/kv/put', headers: json, body: bodies[i % bodies.length] });

export async function startEtcdTarget(log: (line: string) => void): Promise<BenchTarget> {
  const etcd = await startEtcdCluster();
  const leader = await etcd.leader();
  log(`etcd ${etcd.version} for this run: ${etcd.members.length} members on 127.0.0.1 (default settings, fsync on), puts to the leader ${leader.name} at ${leader.clientUrl}`);
  const cluster: ClusterDescription = {
    origin: 'started', via: 'etcd-leader', runtime: 'local-processes', gatewayUrl: leader.clientUrl,
    nodes: etcd.members.map((m) => ({ id: m.name, url: m.clientUrl })), fsync: 'always', config: null, dataDir: etcd.dataDir,
    version: `etcd ${etcd.version}`,
  };
  return {
    url: leader.clientUrl,
    cluster,
    requests: etcdPut,
    // etcd's /metrics names differ from ours: CPU from /proc only.
    usage: () => ({ processes: etcd.members.map((m) => ({ name: m.name, pid: m.pid })), metrics: [] }),
    // stop() is idempotent: the CLI releases once after the run and again in its finally.
    release: () => etcd.stop(),
  };
}
