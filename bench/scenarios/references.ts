// What `--alternate` can run beside the cluster (scenarios/alternate.ts): the floor path
// (floor/), etcd (etcd/) with TLS off or mutual TLS on its client and peer ports (etcd-tls), and
// `insecure`: a cluster like the bench's own with auth and peer mTLS off, to measure what
// security costs; `secure`: this checkout's cluster with both on, new every round (beside a
// --target of another build, e.g. one from before a fix). Kept apart so argument parsing does
// not load them.
export const referenceNames = ['floor', 'etcd', 'insecure', 'etcd-tls', 'secure'] as const;
export type ReferenceName = (typeof referenceNames)[number];

/** What each arm runs with, recorded in run.json: the cluster's from its config, the references' by construction. */
export type ArmSecurity =
  | { kind: 'cluster'; auth: boolean | null; peerTls: boolean | null }
  | { kind: 'etcd'; clientTls: 'off' | 'mutual'; peerTls: 'off' | 'mutual' }
  | { kind: 'floor'; auth: false; peerTls: false };

export function referenceSecurity(name: ReferenceName): ArmSecurity {
  switch (name) {
    case 'floor': return { kind: 'floor', auth: false, peerTls: false };
    case 'etcd': return { kind: 'etcd', clientTls: 'off', peerTls: 'off' };
    case 'etcd-tls': return { kind: 'etcd', clientTls: 'mutual', peerTls: 'mutual' };
    case 'insecure': return { kind: 'cluster', auth: false, peerTls: false };
    case 'secure': return { kind: 'cluster', auth: true, peerTls: true };
  }
}
