import { Toxiproxy } from 'toxiproxy-node-client';
import { gatewayUrl, type ClusterConfig } from '../../cluster/config.ts';
import type { ProcessManager } from '../../cluster/local/process-manager.ts';
import { Rng } from '../../cluster/common/rng.ts';
import { HttpClusterView } from '../cluster-view-http.ts';
import type { HealReport } from '../nemesis/heal.ts';
import { Ledger, ledgerPath } from '../nemesis/ledger.ts';
import { Nemesis } from '../nemesis/nemesis.ts';
import { LocalRuntime } from '../runtime/local.ts';
import type { RunTarget } from './run-types.ts';

/**
 * A run target over a local cluster's processes: the runtime, the control-path view, and a
 * nemesis whose ledger lives beside the cluster's data (healed of an earlier run's leftovers
 * first). Target choices come from the run's seed through their own stream.
 */
export async function openLocalTarget(config: ClusterConfig, manager: ProcessManager, seed: number): Promise<{ target: RunTarget; leftovers: HealReport }> {
  const nodes = config.nodes.map((n) => ({ id: n.id, url: n.url }));
  const view = new HttpClusterView(nodes);
  const runtime = new LocalRuntime(manager);
  const rng = new Rng(seed).fork('nemesis');
  const { nemesis, leftovers } = await Nemesis.open({
    runtime, view, toxiproxy: new Toxiproxy(config.links.toxiproxyUrl), ledger: new Ledger(ledgerPath(config.dataDirAbs)),
    random: () => rng.next(), nodeUrl: (id) => nodes.find((n) => n.id === id)!.url,
  });
  return { target: { config, runtime, view, nemesis, gatewayUrl: gatewayUrl(config), nodes }, leftovers };
}
