/**
 * A chaos run target over the containerised cluster (the docker twin of
 * chaos/runner/local-target.ts): the dockerode runtime, the control-path view through the
 * published node ports, and the nemesis with its ledger under <data dir>/docker/chaos/ (healed
 * of an earlier run's leftovers first). With `partitionVia: 'network'` partitions are cut under
 * the proxy (disconnects and drop rules) instead of by toxics; every other fault goes to the
 * nemesis unchanged.
 */
import { Toxiproxy } from 'toxiproxy-node-client';
import { gatewayUrl } from '../config.ts';
import { Rng } from '../common/rng.ts';
import { HttpClusterView } from '../../chaos/cluster-view-http.ts';
import type { PartitionVia } from '../../chaos/nemesis/fault.ts';
import type { HealReport } from '../../chaos/nemesis/heal.ts';
import { Ledger, ledgerPath } from '../../chaos/nemesis/ledger.ts';
import { Nemesis } from '../../chaos/nemesis/nemesis.ts';
import { injectNetworkPartition } from '../../chaos/nemesis/network-partition.ts';
import type { RunTarget } from '../../chaos/runner/run-experiment.ts';
import { dockerRuntime, hostConfig, linkPortFor, type DockerClusterRecord } from './docker-cluster.ts';

export async function openDockerTarget(record: DockerClusterRecord, dir: string, seed: number, partitionVia: PartitionVia = 'proxy'): Promise<{ target: RunTarget; leftovers: HealReport }> {
  const config = hostConfig(record, dir);
  const nodes = config.nodes.map((n) => ({ id: n.id, url: n.url }));
  const view = new HttpClusterView(nodes);
  const runtime = dockerRuntime(record);
  const rng = new Rng(seed).fork('nemesis');
  const random = () => rng.next();
  const toxiproxy = new Toxiproxy(config.links.toxiproxyUrl);
  const ledger = new Ledger(ledgerPath(config.dataDirAbs));
  const { nemesis, leftovers } = await Nemesis.open({
    runtime, view, toxiproxy, ledger, random, nodeUrl: (id) => nodes.find((n) => n.id === id)!.url,
  });
  const faults: RunTarget['nemesis'] = {
    inject: async (fault) => {
      if (fault.kind === 'partition' && (fault.via ?? partitionVia) === 'network') {
        return injectNetworkPartition(fault, { runtime, toxiproxy, view, ledger, random, proxyMember: 'toxiproxy', linkPort: linkPortFor(record.nodeCount) });
      }
      const injectedAtMs = Date.now();
      const applied = await nemesis.inject(fault);
      // Dated from when it took effect (runtime.issuedAtMs: a container's exit time, a pause's
      // request), not from when the Engine call returned, which can come after the election; this
      // holds for every fault that kills, stops or pauses (power-loss and disk-loss too, whose
      // apply also cuts or wipes the data before it returns).
      const sentAtMs = Math.min(...applied.nodes.map((n) => runtime.issuedAtMs.get(n) ?? Infinity).filter((t) => t >= injectedAtMs));
      return sentAtMs <= applied.appliedAtMs ? { ...applied, appliedAtMs: sentAtMs } : applied;
    },
    heal: (applied) => nemesis.heal(applied),
    healAll: () => nemesis.healAll(),
  };
  return { target: { config, runtime, view, nemesis: faults, gatewayUrl: gatewayUrl(config), nodes }, leftovers };
}
