import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tlsDir } from '../common/credential-paths.ts';

/**
 * The cluster's certificate authority and one certificate per node, for mutual TLS on peer
 * links, made with the `openssl` CLI (EC P-256) in `<dataDir>/tls/`: ca.crt, ca.key and
 * <node>.crt, <node>.key, keys mode 0600. A node certificate names its node id (CN and DNS SAN),
 * which is what a receiving node checks against its member list, and is good for both server
 * and client use. The CA is made once; a missing node certificate is added under it.
 */

export class CertError extends Error {
  readonly code = 'CERTS_FAILED';
}

/** The gateway's certificate (client TLS) is made under the same CA with this name; no node has it. */
export const gatewayCertName = 'gateway';

export { tlsDir };

export interface NodeTlsFiles {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim().split('\n')[0] ?? '';
    throw new CertError(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`);
  }
}

/** Makes the CA in a private temp folder and renames it into place, so concurrent starts agree on one CA. */
function ensureCa(dataDirAbs: string, clusterName: string): boolean {
  const dir = tlsDir(dataDirAbs);
  if (existsSync(join(dir, 'ca.crt'))) return false;
  mkdirSync(dataDirAbs, { recursive: true });
  const tmp = join(dataDirAbs, `.tls.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  mkdirSync(tmp, { mode: 0o700 });
  try {
    openssl(['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', `/CN=raft cluster CA ${clusterName}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], tmp);
    chmodSync(join(tmp, 'ca.key'), 0o600);
    renameSync(tmp, dir);
    return true;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw err;
  }
}

function makeNodeCert(dir: string, id: string, host: string | readonly string[]): void {
  const tag = `${id}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const ext = `${tag}.ext`;
  // Several hosts: a certificate reached under more than one name (containers: 127.0.0.1 from the host, the proxy's name inside).
  const hosts = typeof host === 'string' ? [host] : host;
  const san = [`DNS:${id}`, 'DNS:localhost', ...hosts.map((h) => (/^\d+\.\d+\.\d+\.\d+$/.test(h) ? `IP:${h}` : `DNS:${h}`))];
  writeFileSync(join(dir, ext), [
    'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth,clientAuth', `subjectAltName=${[...new Set(san)].join(',')}`, '',
  ].join('\n'));
  try {
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', `${tag}.key`, '-out', `${tag}.csr`, '-subj', `/CN=${id}`], dir);
    chmodSync(join(dir, `${tag}.key`), 0o600);
    openssl(['x509', '-req', '-in', `${tag}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(8).toString('hex')}`,
      '-days', '825', '-sha256', '-extfile', ext, '-out', `${tag}.crt`], dir);
    // Key first: a reader that finds the certificate finds its key.
    renameSync(join(dir, `${tag}.key`), join(dir, `${id}.key`));
    renameSync(join(dir, `${tag}.crt`), join(dir, `${id}.crt`));
  } finally {
    for (const f of [ext, `${tag}.csr`, `${tag}.key`, `${tag}.crt`]) rmSync(join(dir, f), { force: true });
  }
}

/** The CA and a certificate for every node id, made if missing; returns what it made. */
export function ensureClusterCerts(dataDirAbs: string, nodeIds: readonly string[], host: string | readonly string[] = '127.0.0.1', clusterName = ''): string[] {
  const made: string[] = [];
  if (ensureCa(dataDirAbs, clusterName)) made.push('ca');
  const dir = tlsDir(dataDirAbs);
  for (const id of nodeIds) {
    if (!/^[\w-]{1,64}$/.test(id)) throw new CertError(`node id "${id}" cannot name a certificate`);
    if (existsSync(join(dir, `${id}.crt`))) continue;
    makeNodeCert(dir, id, host);
    made.push(id);
  }
  return made;
}

export function readNodeTls(dataDirAbs: string, id: string): NodeTlsFiles {
  const dir = tlsDir(dataDirAbs);
  try {
    return { ca: readFileSync(join(dir, 'ca.crt')), cert: readFileSync(join(dir, `${id}.crt`)), key: readFileSync(join(dir, `${id}.key`)) };
  } catch (err) {
    throw new CertError(`peer TLS is on but ${id}'s certificate is missing in ${dir} (npx just certs makes it): ${(err as Error).message}`);
  }
}
