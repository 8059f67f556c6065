/**
 * Faults as data (Jepsen's nemesis vocabulary). A Fault says what to do in terms of roles;
 * the nemesis resolves roles against the live cluster into an AppliedFault, whose undo steps
 * are written to the ledger before anything is changed, so every fault can be healed by a
 * later process that knows nothing but the ledger.
 *
 * The fault kinds themselves live in `faults/<kind>.ts`, one module each, listed in
 * `faults/registry.ts`; `Fault` is the union of their parameter schemas. This file holds the
 * vocabulary several kinds share (targets, partition shapes, toxics, link selectors).
 */
import { z } from 'zod';
export type { Fault } from './faults/registry.ts';
import type { Fault } from './faults/registry.ts';

/** Whom a process fault hits, resolved when it is injected. */
export const targetSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('leader') }),
  z.object({ role: z.literal('follower') }),
  z.object({ role: z.literal('random') }),
  /** Floor((N-1)/2) nodes, never including the leader unless `withLeader`. */
  z.object({ role: z.literal('minority'), withLeader: z.boolean().optional() }),
  z.object({ role: z.literal('node'), node: z.string().min(1) }),
]);
export type Target = z.infer<typeof targetSchema>;

/** How a partition cuts: toxics on the proxy's links (default), or under the proxy (Docker runtime). */
export type PartitionVia = 'proxy' | 'network';

/** Partition shapes; each resolves to a grudge (to -> the nodes it drops traffic from). */
export const partitionShapes = [
  'isolate-one',
  'isolate-leader',
  /** The leader plus floor((N-1)/2)-1 others cut off from the rest: it must step down. */
  'leader-minority',
  'majority-minority',
  'bridge',
  'ring',
  /** One direction only: `from`'s messages to `to` vanish, the reverse still flows. */
  'one-way',
] as const;
export type PartitionShape = (typeof partitionShapes)[number];

export const toxicTypes = ['latency', 'bandwidth', 'timeout', 'reset_peer', 'slow_close', 'slicer', 'limit_data'] as const;
export const toxicSpecSchema = z.object({
  type: z.enum(toxicTypes),
  attributes: z.record(z.string(), z.number()),
  stream: z.enum(['upstream', 'downstream']).optional(),
  toxicity: z.number().optional(),
});
export type ToxicSpec = Readonly<z.infer<typeof toxicSpecSchema>>;

/** Which links a toxic goes on: every peer link, every link, those of one node, or by name. */
export const linkSelectorSchema = z.discriminatedUnion('links', [
  z.object({ links: z.literal('peers') }),
  z.object({ links: z.literal('all') }),
  z.object({ links: z.enum(['to-node', 'from-node']), target: targetSchema }),
  z.object({ links: z.literal('named'), names: z.array(z.string()) }),
]);
export type LinkSelector = z.infer<typeof linkSelectorSchema>;

/**
 * What undoes an applied fault: `kind` names an undo-step module (faults/undo-steps.ts or a
 * fault's own file) that a later process finds through the registry. Every step is
 * idempotent, so a heal can be retried.
 */
export interface UndoStep {
  readonly kind: string;
  readonly [field: string]: unknown;
}

export interface AppliedFault {
  readonly id: string;
  readonly fault: Fault;
  /** Human-readable: "kill node2 (leader, term 4)". */
  readonly describe: string;
  /** The nodes the fault hit, after role resolution. */
  readonly nodes: readonly string[];
  /** For partitions: to -> [from...] it drops. */
  readonly grudge?: Readonly<Record<string, readonly string[]>>;
  /** Wall-clock ms when the fault took effect (after the ledger write and the action). */
  readonly appliedAtMs: number;
  readonly undo: readonly UndoStep[];
}
