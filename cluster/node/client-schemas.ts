import { z } from 'zod';
import { jsonDepthMax, nestsDeeperThan } from '../http/json-depth.ts';
import { NodeError } from './errors.ts';
import type { Command } from './state-machine.ts';

/** Request bodies of the client API. Ids are optional; with both, a retried write applies once. */
const ids = {
  clientId: z.string().min(1).max(128).optional(),
  requestId: z.string().min(1).max(128).optional(),
};

export const keySchema = z.string().min(1).max(256);

export const writeBody = z.object({
  data: z.unknown().refine((v) => v !== undefined, { message: 'data is required' }),
  source: z.string().max(256).default('client'),
  ...ids,
}).strict();

export const putBody = z.object({ value: z.string().max(1024 * 1024), ...ids }).strict();

export const casBody = z.object({ expect: z.string().nullable(), value: z.string(), ...ids }).strict();

const batchOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('append'), data: z.unknown(), source: z.string().max(256).default('client'), ...ids }).strict(),
  z.object({ op: z.literal('put'), key: keySchema, value: z.string(), ...ids }).strict(),
  z.object({ op: z.literal('cas'), key: keySchema, expect: z.string().nullable(), value: z.string(), ...ids }).strict(),
]);

export const batchBody = z.object({ ops: z.array(batchOp).min(1).max(4096) }).strict();

export type BatchOp = z.infer<typeof batchOp>;

export function batchOpToCommand(op: BatchOp): Command {
  switch (op.op) {
    case 'append': return { op: 'append', data: op.data ?? null, source: op.source, clientId: op.clientId, requestId: op.requestId };
    case 'put': return { op: 'put', key: op.key, value: op.value, clientId: op.clientId, requestId: op.requestId };
    case 'cas': return { op: 'cas', key: op.key, expect: op.expect, value: op.value, clientId: op.clientId, requestId: op.requestId };
  }
}

/** One line naming the first problem, e.g. "value: expected string, received number". */
export function describeZodError(err: z.ZodError): string {
  const issue = err.issues[0]!;
  const path = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return `${path}${issue.message}`;
}

/** The value as the schema reads it, or 400 BAD_REQUEST naming the first problem. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  if (nestsDeeperThan(value)) throw new NodeError('BAD_REQUEST', `JSON nests deeper than ${jsonDepthMax} levels`);
  const r = schema.safeParse(value);
  if (!r.success) throw new NodeError('BAD_REQUEST', describeZodError(r.error));
  return r.data;
}
