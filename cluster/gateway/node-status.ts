import { z } from 'zod';

/**
 * The part of a node's `GET /raft/status` the gateway relies on. Lenient on purpose: extra
 * fields are ignored, and a node answering something else is treated as reachable but unknown.
 */
export const nodeStatusSchema = z.object({
  id: z.string().optional(),
  state: z.enum(['LEADER', 'FOLLOWER', 'CANDIDATE']),
  term: z.number().int().min(0),
  leader: z.string().nullable().optional(),
  commitIndex: z.number().int().optional(),
});

export type NodeStatus = z.infer<typeof nodeStatusSchema>;

/** What the gateway last learned about one node, for `GET /api/status`. */
export interface NodeView {
  readonly id: string;
  readonly url: string;
  state: NodeStatus['state'] | null;
  term: number | null;
  commitIndex: number | null;
  leader: string | null;
  /** The last status poll got a valid answer. */
  reachable: boolean;
  lastPollAtMs: number | null;
  lastError: string | null;
}
