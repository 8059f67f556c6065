/**
 * Security material for the containerised cluster, made on the host by `up` with the same
 * functions as the local `up` (cluster/auth/security-material.ts), in the docker cluster's data
 * dir (<data>/docker/auth, <data>/docker/tls). compose mounts both read-only into every node,
 * and auth/ into the gateway and dashboard: one CA, one token store, and host tools read the
 * same admin.token. The image runs as uid 1000; keys are 0600, so they must belong to it.
 */
import { X509Certificate } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterConfig } from '../config.ts';
import { ensureSecurityMaterial } from '../auth/security-material.ts';
import { authDir } from '../auth/token-store.ts';
import { ensureClusterCerts, gatewayCertName, tlsDir } from '../auth/cluster-certs.ts';
import { containerConfig } from './compose-file.ts';

/** The image's user (Dockerfile `USER 1000:1000`). */
export const containerUid = 1000;

export interface ContainerSecurity {
  readonly tokenCreated: boolean;
  readonly certsMade: string[];
  /** A line for the user when the files could not be given to the container user. */
  readonly warning: string | null;
}

/**
 * Client TLS in containers: the gateway reaches node<i> at https://toxiproxy:<link port>, the host
 * at https://127.0.0.1:<published port>, so a node certificate must name both (the gateway's names
 * 127.0.0.1 too). Certificates made before without the proxy's name are made again (the CA stays).
 */
function ensureClientTlsCerts(config: ClusterConfig): string[] {
  const proxyHost = containerConfig(config.nodeCount).links.proxyHost;
  const dir = tlsDir(config.dataDirAbs);
  const ids = config.nodes.map((n) => n.id);
  const namesProxy = (id: string) => {
    try {
      return (new X509Certificate(readFileSync(join(dir, `${id}.crt`))).subjectAltName ?? '').split(', ').includes(`DNS:${proxyHost}`);
    } catch {
      return true; // missing: made below
    }
  };
  if (!ids.every(namesProxy)) for (const id of [...ids, gatewayCertName]) for (const ext of ['crt', 'key']) rmSync(join(dir, `${id}.${ext}`), { force: true });
  const made = ensureClusterCerts(config.dataDirAbs, ids, [config.host, proxyHost], config.clusterId);
  made.push(...ensureClusterCerts(config.dataDirAbs, [gatewayCertName], [config.gateway.host], config.clusterId).filter((m) => m !== 'ca'));
  return made;
}

export function prepareContainerSecurity(config: ClusterConfig): ContainerSecurity {
  const tlsMade = config.security.clientTls ? ensureClientTlsCerts(config) : [];
  const ensured = ensureSecurityMaterial(config);
  const made = { ...ensured, certsMade: [...tlsMade, ...ensured.certsMade] };
  const dirs = [authDir(config.dataDirAbs), tlsDir(config.dataDirAbs)];
  // Bind mounts of missing folders would be made by dockerd as root: make them (empty when off).
  for (const d of dirs) mkdirSync(d, { recursive: true, mode: 0o700 });
  const uid = process.getuid?.() ?? containerUid;
  if (uid === containerUid) return { ...made, warning: null };
  if (uid !== 0) {
    return { ...made, warning: `security files in ${config.dataDirAbs} belong to uid ${uid}, the containers run as ${containerUid}: they cannot read them (run up as uid ${containerUid} or root, or set RAFT_AUTH=false RAFT_PEER_TLS=false)` };
  }
  for (const d of dirs) {
    chownSync(d, containerUid, containerUid);
    // ca.key stays root's: no container needs to sign, so none can.
    for (const f of readdirSync(d)) if (f !== 'ca.key') chownSync(join(d, f), containerUid, containerUid);
  }
  return { ...made, warning: null };
}

/**
 * <data>/docker/nodes, every node's /data (compose-file.ts nodesDirVar), made and given to the
 * container user, as bind mounts of missing folders would be made by dockerd as root.
 */
export function prepareNodeDataRoot(dockerDir: string): { path: string; warning: string | null } {
  const path = join(dockerDir, 'nodes');
  mkdirSync(path, { recursive: true });
  const uid = process.getuid?.() ?? containerUid;
  if (uid === containerUid) return { path, warning: null };
  if (uid !== 0) return { path, warning: `node data in ${path} belongs to uid ${uid}, the containers run as ${containerUid}: nodes cannot write it (run up as uid ${containerUid} or root)` };
  chownTree(path, containerUid);
  return { path, warning: null };
}

/** chown -R, for a tree the host wrote into as root (a power cut rewrites sync ledgers). */
export function chownTree(path: string, uid: number): void {
  chownSync(path, uid, uid);
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isDirectory()) chownTree(p, uid);
    else if (e.isFile()) chownSync(p, uid, uid);
  }
}
