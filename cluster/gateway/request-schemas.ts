import { z } from 'zod';
import { jsonDepthMax, nestsDeeperThan } from '../http/json-depth.ts';
import { GatewayError } from './errors.ts';
import type { RequestIds } from './request-ids.ts';
import type { WriteCommand } from './write-command.ts';

/**
 * What clients may send, checked before anything is forwarded, so bad input never reaches
 * the cluster. Limits and strictness match the node's own schemas (cluster/node/client-schemas.ts):
 * what passes here, the node accepts. Ids are optional: the gateway fills in missing ones
 * (see request-ids.ts).
 */
const id = z.string().min(1).max(128);
/** Numbers are accepted and sent on as strings: the node keys sessions on `${clientId}\0${requestId}`. */
const requestId = z.union([id, z.number().int().min(0).transform(String)]);
const ids = { clientId: id.optional(), requestId: requestId.optional() };

/**
 * A requestId means something only within its client's session: two clients sending the
 * same bare requestId would get each other's results, so one without a clientId is refused.
 */
function idsTogether<T extends { clientId?: string | undefined; requestId?: string | undefined }>(v: T): boolean {
  return v.requestId === undefined || v.clientId !== undefined;
}
const idsMessage = { message: 'requestId needs a clientId', path: ['clientId'] };

export const writeBody = z.object({
  data: z.unknown().refine((v) => v !== undefined, 'data is required'),
  /** The node's default too, so a write means the same through the gateway as directly. */
  source: z.string().max(256).default('client'),
  ...ids,
}).strict().refine(idsTogether, idsMessage);

export const putBody = z.object({ value: z.string(), ...ids }).strict().refine(idsTogether, idsMessage);

export const casBody = z.object({ expect: z.string().nullable(), value: z.string(), ...ids }).strict().refine(idsTogether, idsMessage);

export const kvKey = z.string().min(1).max(256);

export const entryId = z.string().regex(/^[1-9]\d{0,15}$/, 'entry id must be a positive whole number');

export const staleQuery = z.enum(['true', 'false']).optional();

/** One line naming the first problem, e.g. `source: expected string, received undefined`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
  return `${where}: ${issue.message}`;
}

export function parseOr400<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: z.ZodError } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new GatewayError('BAD_REQUEST', describeIssue(r.error));
  return r.data;
}

/** `POST /api/write`'s body as the command forwarded; throws 400 BAD_REQUEST. */
export function appendCommand(body: unknown, ids: RequestIds): WriteCommand {
  if (nestsDeeperThan(body)) throw new GatewayError('BAD_REQUEST', `JSON nests deeper than ${jsonDepthMax} levels`);
  const b = parseOr400(writeBody, body);
  return { op: 'append', data: b.data, source: b.source, ...ids.complete(b.clientId, b.requestId) };
}

/** `PUT /api/kv/:key` as the command forwarded; throws 400 BAD_REQUEST. */
export function putCommand(key: string, body: unknown, ids: RequestIds): WriteCommand {
  const k = parseOr400(kvKey, key);
  const b = parseOr400(putBody, body);
  return { op: 'put', key: k, value: b.value, ...ids.complete(b.clientId, b.requestId) };
}
