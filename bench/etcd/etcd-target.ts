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

export async function startEtcdTarget(log: (line: string) => void, options: { tls?: boolean } = {}): Promise<BenchTarget> {
  const tls = options.tls ?? false;
  const etcd = await startEtcdCluster(3, 'etcd', 20_000, [], tls);
  const leader = await etcd.leader();
  const how = tls ? 'mutual TLS on client and peer ports' : 'no TLS';
  log(`etcd ${etcd.version} for this run: ${etcd.members.length} members on 127.0.0.1 (default settings, fsync on, ${how}), puts to the leader ${leader.name} at ${leader.clientUrl}`);
  const cluster: ClusterDescription = {
    origin: 'started', via: 'etcd-leader', runtime: 'local-processes', gatewayUrl: leader.clientUrl,
    nodes: etcd.members.map((m) => ({ id: m.name, url: m.clientUrl })), fsync: 'always', config: null, dataDir: etcd.dataDir,
    version: `etcd ${etcd.version}`,
    security: tls ? { clientTls: 'mutual', peerTls: 'mutual' } : { clientTls: 'off', peerTls: 'off' },
  };
  return {
    url: leader.clientUrl,
    cluster,
    requests: etcdPut,
    // Handshakes off the clock: etcd's clients keep their connections (GET /health is etcd's cheapest).
    ...(etcd.clientTls ? { tls: etcd.clientTls, preconnectPath: '/health' } : {}),
    // etcd's /metrics names differ from ours: CPU from /proc only.
    usage: () => ({ processes: etcd.members.map((m) => ({ name: m.name, pid: m.pid })), metrics: [] }),
    // stop() is idempotent: the CLI releases once after the run and again in its finally.
    release: () => etcd.stop(),
  };
}
