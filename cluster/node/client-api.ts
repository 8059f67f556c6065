import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { NodeError } from './errors.ts';
import { batchBody, batchOpToCommand, casBody, describeZodError, keySchema, putBody, writeBody } from './client-schemas.ts';
import type { RaftHost } from './raft-host.ts';
import type { ApplyOutcome, Command } from './state-machine.ts';

export interface ClientApiDeps {
  readonly host: RaftHost;
  /** Public URL of a node by id, for NOT_LEADER hints. */
  readonly nodeUrl: (id: string) => string | null;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new NodeError('BAD_REQUEST', describeZodError(r.error));
  return r.data;
}

/**
 * The client API, served by the leader only. A follower answers 421 NOT_LEADER with the leader
 * it knows: forwarding silently would hide from the client (and the chaos checker) which node
 * took the write.
 */
export function clientApi({ host, nodeUrl }: ClientApiDeps): Router {
  const r = Router();

  const requireLeader = (): void => {
    const st = host.status();
    if (st.role !== 'LEADER') {
      const e = host.notLeader(st.leader);
      throw new NodeError('NOT_LEADER', e.message, { leader: st.leader, leaderUrl: st.leader ? nodeUrl(st.leader) : null });
    }
  };

  const proposeOne = async (command: Command): Promise<ApplyOutcome> => {
    requireLeader();
    return host.propose([command])[0]!;
  };

  r.post('/write', async (req: Request, res: Response) => {
    const body = parse(writeBody, req.body);
    const out = await proposeOne({ op: 'append', data: body.data, source: body.source, clientId: body.clientId, requestId: body.requestId });
    const result = out.result as { entryId: number };
    res.json({ success: true, entryId: result.entryId, leader: host.id, duplicate: out.duplicate });
  });

  r.get('/entries/:id', async (req: Request, res: Response) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id < 1) throw new NodeError('BAD_REQUEST', `entry id must be a positive integer, got "${String(req.params.id)}"`);
    requireLeader();
    await host.readBarrier();
    const record = host.sm.record(id);
    if (!record) throw new NodeError('NOT_FOUND', `no entry ${id}`);
    res.json(record);
  });

  r.get('/kv/:key', async (req: Request, res: Response) => {
    const key = parse(keySchema, req.params.key);
    if (req.query.stale === 'true') {
      res.json({ key, value: host.sm.get(key), stale: true, appliedIndex: host.sm.appliedIndex, node: host.id });
      return;
    }
    requireLeader();
    await host.readBarrier();
    res.json({ key, value: host.sm.get(key) });
  });

  r.put('/kv/:key', async (req: Request, res: Response) => {
    const key = parse(keySchema, req.params.key);
    const body = parse(putBody, req.body);
    const out = await proposeOne({ op: 'put', key, value: body.value, clientId: body.clientId, requestId: body.requestId });
    res.json({ success: true, value: (out.result as { value: string }).value, index: out.index, duplicate: out.duplicate });
  });

  r.post('/kv/:key/cas', async (req: Request, res: Response) => {
    const key = parse(keySchema, req.params.key);
    const body = parse(casBody, req.body);
    const out = await proposeOne({ op: 'cas', key, expect: body.expect, value: body.value, clientId: body.clientId, requestId: body.requestId });
    const result = out.result as { success: boolean; value: string | null };
    res.json({ success: result.success, value: result.value, index: out.index, duplicate: out.duplicate });
  });

  // The gateway's coalesced writes: all ops go into one Raft batch (one append, one fsync).
  r.post('/batch', async (req: Request, res: Response) => {
    const body = parse(batchBody, req.body);
    requireLeader();
    const promises = host.propose(body.ops.map(batchOpToCommand));
    const settled = await Promise.allSettled(promises);
    const results = settled.map((s, i) => {
      if (s.status === 'rejected') {
        const e = s.reason instanceof NodeError ? s.reason : new NodeError('TIMEOUT', String(s.reason));
        return { status: e.status, body: e.body() };
      }
      const out = s.value;
      const op = body.ops[i]!;
      const result = out.result!;
      if (op.op === 'append' && result.op === 'append') return { status: 200, body: { success: true, entryId: result.entryId, leader: host.id, duplicate: out.duplicate } };
      if (result.op === 'put') return { status: 200, body: { success: true, value: result.value, index: out.index, duplicate: out.duplicate } };
      if (result.op === 'cas') return { status: 200, body: { success: result.success, value: result.value, index: out.index, duplicate: out.duplicate } };
      return { status: 200, body: { success: true, index: out.index, duplicate: out.duplicate } };
    });
    res.json({ results });
  });

  return r;
}
