// The references a run can load instead of (bench floor|etcd) or beside (--alternate) the
// cluster: one place that knows how to check and start each.
import { etcdVersion } from '../etcd/etcd-cluster.ts';
import { startEtcdTarget } from '../etcd/etcd-target.ts';
import { startFloorTarget } from '../floor/floor-target.ts';
import type { ReferenceName } from '../scenarios/references.ts';
import { startClusterWithSecurity } from './bench-target.ts';
import type { BenchTarget } from './bench-target.ts';

/** Throws a one-line usage error, before any load, when a reference cannot run on this machine. */
export function checkReferences(names: readonly ReferenceName[]): void {
  if (names.includes('etcd') || names.includes('etcd-tls')) etcdVersion();
}

export function startReferenceTarget(name: ReferenceName, fsync: 'always' | 'never', log: (line: string) => void): Promise<BenchTarget> {
  switch (name) {
    case 'floor': return startFloorTarget(fsync, log);
    case 'etcd': return startEtcdTarget(log);
    case 'etcd-tls': return startEtcdTarget(log, { tls: true });
    case 'insecure': return startClusterWithSecurity(false, fsync, log);
    case 'secure': return startClusterWithSecurity(true, fsync, log);
  }
}
