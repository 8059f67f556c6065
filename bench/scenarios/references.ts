// What `--alternate` can run beside the cluster (scenarios/alternate.ts): the floor path
// (floor/) and etcd (etcd/). Kept apart so argument parsing does not load them.
export const referenceNames = ['floor', 'etcd'] as const;
export type ReferenceName = (typeof referenceNames)[number];
