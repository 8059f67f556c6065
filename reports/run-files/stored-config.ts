// The cluster configuration as a run file stores it (cluster/config.ts's ClusterConfig), reduced to
// the fields a report shows. Every field is optional: runs from before a setting existed lack it.
import { z } from 'zod';

export const storedClusterConfigSchema = z.looseObject({
  nodeCount: z.number().int().optional(),
  storage: z.looseObject({ fsync: z.string().optional() }).optional(),
  raft: z.looseObject({
    electionTimeoutMsMin: z.number().optional(),
    electionTimeoutMsMax: z.number().optional(),
    heartbeatIntervalMs: z.number().optional(),
    preVote: z.boolean().optional(),
    checkQuorum: z.boolean().optional(),
    snapshotEntries: z.number().optional(),
    /** Runs stored before it existed snapshot on the entry count alone. */
    snapshotLogRatio: z.number().optional(),
  }).optional(),
  gateway: z.looseObject({ failoverDeadlineMs: z.number().optional(), coalesceWrites: z.boolean().optional() }).optional(),
  links: z.looseObject({ mode: z.string().optional() }).optional(),
});
export type StoredClusterConfig = z.infer<typeof storedClusterConfigSchema>;

/** A commit and whether the work tree had changes (cluster/common/git-state.ts). */
export const storedGitStateSchema = z.looseObject({ sha: z.string().nullable(), dirty: z.boolean().nullable() });
export type StoredGitState = z.infer<typeof storedGitStateSchema>;
