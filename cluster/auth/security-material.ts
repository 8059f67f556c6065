import type { ClusterConfig } from '../config.ts';
import { ensureClusterCerts, gatewayCertName } from './cluster-certs.ts';
import { ensureAdminToken } from './token-store.ts';

/** What a cluster needs before its processes start: the admin token (auth on) and the certificates (peer or client TLS on). */
export function ensureSecurityMaterial(config: ClusterConfig): { tokenCreated: boolean; certsMade: string[] } {
  const tokenCreated = config.security.auth ? ensureAdminToken(config.dataDirAbs).created : false;
  const { peerTls, clientTls } = config.security;
  const certsMade = peerTls || clientTls ? ensureClusterCerts(config.dataDirAbs, config.nodes.map((n) => n.id), config.host, config.clusterId) : [];
  // The gateway serves https with its own certificate under the same CA.
  if (clientTls) certsMade.push(...ensureClusterCerts(config.dataDirAbs, [gatewayCertName], config.gateway.host, config.clusterId).filter((m) => m !== 'ca'));
  return { tokenCreated, certsMade };
}
