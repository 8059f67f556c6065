/**
 * Shared by the nemesis integration tests: a harness cluster in toxiproxy link mode, a
 * Nemesis over it, bounded polling, and the proxy server's current toxics.
 *
 * Exports: `startProxiedCluster`, `nemesisFor`, `eventually`, `toxicsByLink`, `clusterChildEnv`.
 */
import { Toxiproxy } from 'toxiproxy-node-client';
import { startCluster, type Cluster } from '../../test/cluster-harness.ts';
import { clusterViewFromConfig } from '../cluster-view-http.ts';
import { seededRandom as createRng } from '../../cluster/common/rng.ts';
import { LocalRuntime } from '../runtime/local.ts';
import { Ledger, ledgerPath } from './ledger.ts';
import { Nemesis } from './nemesis.ts';
import { listProxies } from './proxy-control.ts';
export { eventually } from '../../test/eventually.ts';

export function startProxiedCluster(): Promise<Cluster> {
  // 60 s: three tsx processes took over 20 s to start at load average 30 on 2 cores.
  return startCluster({ nodes: 3, readyTimeoutMs: 60_000, env: { RAFT_LINKS: 'toxiproxy', RAFT_FSYNC: 'never' } });
}

export function nemesisFor(cluster: Cluster, seed: number): { nemesis: Nemesis; ledger: Ledger; toxiproxy: Toxiproxy; runtime: LocalRuntime } {
  const runtime = new LocalRuntime(cluster.manager);
  const toxiproxy = new Toxiproxy(cluster.config.links.toxiproxyUrl);
  const ledger = new Ledger(ledgerPath(cluster.dataDir));
  const nemesis = new Nemesis({
    runtime, toxiproxy, ledger, view: clusterViewFromConfig(cluster.config), random: createRng(seed), nodeUrl: (id) => cluster.nodeUrl(id),
  });
  return { nemesis, ledger, toxiproxy, runtime };
}

/** The environment a child process needs for loadConfig() to address this cluster. */
export function clusterChildEnv(cluster: Cluster): Record<string, string> {
  const c = cluster.config;
  return {
    RAFT_NODES: String(c.nodeCount), RAFT_BASE_PORT: String(c.basePort), GATEWAY_PORT: String(c.gateway.port),
    RAFT_DATA_DIR: cluster.dataDir, RAFT_LINKS: c.links.mode, RAFT_PROXY_BASE_PORT: String(c.links.proxyBasePort),
    TOXIPROXY_URL: c.links.toxiproxyUrl, RAFT_FSYNC: c.storage.fsync,
  };
}


/** link -> its toxics as "type/stream", for links that have any; and the disabled links. */
export async function toxicsByLink(toxiproxy: Toxiproxy): Promise<{ toxics: Record<string, string[]>; disabled: string[] }> {
  const toxics: Record<string, string[]> = {};
  const disabled: string[] = [];
  for (const p of await listProxies(toxiproxy)) {
    if (p.toxics.length > 0) toxics[p.name] = p.toxics.map((t) => `${t.type}/${t.stream}`).sort();
    if (!p.enabled) disabled.push(p.name);
  }
  return { toxics, disabled };
}
