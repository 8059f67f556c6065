/**
 * LinkSelector -> proxy names.
 *
 * Exports: `selectLinks`, `allPeerLinks`, `allGatewayLinks`.
 *
 *   peers       every directed peer link (node<i>_to_node<j>)
 *   all         peers plus every gateway link (gateway_to_node<j>)
 *   to-node     the peer links into the target node(s) (what they receive)
 *   from-node   the peer links out of the target node(s) (what they send)
 *   named       exactly these proxies (checked to exist when the toxic is added)
 *
 * to-node/from-node leave gateway links alone, as node partitions do; name them to hit them.
 */
import { gatewayLinkName, peerLinkName } from '../../cluster/links.ts';
import type { LinkSelector } from './fault.ts';
import type { ClusterSnapshot } from './cluster-snapshot.ts';
import { NemesisError } from './errors.ts';
import type { Random } from './random-pick.ts';
import { resolveTarget } from './targets.ts';

export function allPeerLinks(nodeIds: readonly string[]): string[] {
  return nodeIds.flatMap((from) => nodeIds.filter((to) => to !== from).map((to) => peerLinkName(from, to)));
}

export function allGatewayLinks(nodeIds: readonly string[]): string[] {
  return nodeIds.map((to) => gatewayLinkName(to));
}

export function selectLinks(select: LinkSelector, snapshot: ClusterSnapshot, random: Random): { links: string[]; nodes: string[] } {
  const all = snapshot.nodeIds;
  switch (select.links) {
    case 'peers':
      return { links: allPeerLinks(all), nodes: [...all] };
    case 'all':
      return { links: [...allPeerLinks(all), ...allGatewayLinks(all)], nodes: [...all] };
    case 'to-node':
    case 'from-node': {
      const targets = resolveTarget(select.target, snapshot, random);
      const links = targets.flatMap((t) => all.filter((o) => o !== t)
        .map((o) => (select.links === 'to-node' ? peerLinkName(o, t) : peerLinkName(t, o))));
      return { links: [...new Set(links)].sort(), nodes: targets };
    }
    case 'named': {
      if (select.names.length === 0) throw new NemesisError('INVALID_FAULT', 'named link selector with no names');
      return { links: [...new Set(select.names)], nodes: [] };
    }
  }
}
