import { join } from 'node:path';

// Where a cluster keeps its credentials under its data directory. Below auth (which writes them)
// and the client side (which reads them), so neither has to import the other for a path.

export function authDir(dataDirAbs: string): string {
  return join(dataDirAbs, 'auth');
}

/** The admin token `up` creates, in plain text, which every project command reads. */
export function adminTokenPath(dataDirAbs: string): string {
  return join(authDir(dataDirAbs), 'admin.token');
}

export function tlsDir(dataDirAbs: string): string {
  return join(dataDirAbs, 'tls');
}
