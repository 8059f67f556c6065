/**
 * Undo steps of a partition cut under the proxy (Docker runtime, nemesis/network-partition.ts):
 * connect a disconnected member again with its saved aliases and address, and remove a DROP
 * rule from a member's network namespace. Both are idempotent, as every undo step.
 *
 * Exports: `reconnectStep`, `removeDropStep`.
 */
import { z } from 'zod';
import { networkUndoStep, type NetworkUndoStep } from '../network-partition.ts';
import { defineUndoStep } from './fault-module.ts';

export const reconnectStep = defineUndoStep({
  kind: 'reconnect',
  schema: z.object({ kind: z.literal('reconnect'), member: z.string(), endpoint: z.object({}).passthrough() }),
  run: (step, deps) => networkUndoStep(step as unknown as NetworkUndoStep, deps.runtime),
  describe: (step) => `reconnect ${step.member}`,
});

export const removeDropStep = defineUndoStep({
  kind: 'remove-drop',
  schema: z.object({ kind: z.literal('remove-drop'), member: z.string(), rule: z.object({ chain: z.string(), args: z.array(z.string()) }).passthrough() }),
  run: (step, deps) => networkUndoStep(step as unknown as NetworkUndoStep, deps.runtime),
  describe: (step) => `remove-drop ${step.member} ${step.rule.args.join(' ')}`,
});
