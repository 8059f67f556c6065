import { gatewayNodeUrl, loadConfig, nodeSpec, peerUrl, type ClusterConfig } from './config.ts';

/** One proxy per directed link, in Toxiproxy's own config format (`toxiproxy-server -config`). */
export interface ProxySpec {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
}

const hostPort = (url: string): string => new URL(url).host;

/** `node1_to_node2` carries node1's messages to node2; `gateway_to_node1` the gateway's requests. */
export function peerLinkName(from: string, to: string): string {
  return `${from}_to_${to}`;
}

export function gatewayLinkName(to: string): string {
  return `gateway_to_${to}`;
}

/**
 * Every link of the cluster: N*(N-1) directed peer links and N gateway links. The listen
 * addresses are what config.ts hands the nodes and the gateway in `toxiproxy` link mode, so
 * nothing reaches a node except through its proxy.
 */
export function linkSpecs(config: ClusterConfig): ProxySpec[] {
  const proxied: ClusterConfig = { ...config, links: { ...config.links, mode: 'toxiproxy' } };
  const specs: ProxySpec[] = [];
  for (const from of config.nodes) {
    for (const to of config.nodes) {
      if (from.id === to.id) continue;
      specs.push({ name: peerLinkName(from.id, to.id), listen: hostPort(peerUrl(proxied, from.id, to.id)), upstream: hostPort(nodeSpec(config, to.id).url), enabled: true });
    }
  }
  for (const to of config.nodes) {
    specs.push({ name: gatewayLinkName(to.id), listen: hostPort(gatewayNodeUrl(proxied, to.id)), upstream: hostPort(to.url), enabled: true });
  }
  return specs;
}

/** The root toxiproxy.json: the links of the default 3-node configuration. */
export function defaultToxiproxyJson(): string {
  const config = loadConfig({});
  return `${JSON.stringify(linkSpecs(config), null, 2)}\n`;
}
