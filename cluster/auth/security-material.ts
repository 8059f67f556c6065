import type { ClusterConfig } from '../config.ts';
import { ensureClusterCerts } from './cluster-certs.ts';
import { ensureAdminToken } from './token-store.ts';

/** What a cluster needs before its processes start: the admin token (auth on) and the certificates (peer TLS on). */
export function ensureSecurityMaterial(config: ClusterConfig): { tokenCreated: boolean; certsMade: string[] } {
  const tokenCreated = config.security.auth ? ensureAdminToken(config.dataDirAbs).created : false;
  const certsMade = config.security.peerTls ? ensureClusterCerts(config.dataDirAbs, config.nodes.map((n) => n.id), config.host, config.clusterId) : [];
  return { tokenCreated, certsMade };
}
