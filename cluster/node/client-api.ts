import { Router, type Request, type Response } from 'express';
import { NodeError } from './errors.ts';
import { answerBatch } from './batch-route.ts';
import { casBody, keySchema, parseOr400, putBody, writeBody } from './client-schemas.ts';
import type { RaftHost } from './raft-host.ts';
import type { ApplyOutcome, Command } from './state-machine.ts';

export interface ClientApiDeps {
  readonly host: RaftHost;
  /** Public URL of a node by id, for NOT_LEADER hints. */
  readonly nodeUrl: (id: string) => string | null;
}

/** Throws 421 NOT_LEADER, naming the leader this node knows, unless this node leads. */
export function leaderGuard(host: RaftHost, nodeUrl: (id: string) => string | null): () => void {
  return () => {
    const st = host.status();
    if (st.role !== 'LEADER') {
      const e = host.notLeader(st.leader);
      throw new NodeError('NOT_LEADER', e.message, { leader: st.leader, leaderUrl: st.leader ? nodeUrl(st.leader) : null });
    }
  };
}

/**
 * The client API, served by the leader only. A follower answers 421 NOT_LEADER with the leader
 * it knows: forwarding silently would hide from the client (and the chaos checker) which node
 * took the write.
 */
export function clientApi({ host, nodeUrl }: ClientApiDeps): Router {
  const r = Router();

  const requireLeader = leaderGuard(host, nodeUrl);

  const proposeOne = async (command: Command): Promise<ApplyOutcome> => {
    requireLeader();
    return host.propose([command])[0]!;
  };

  r.post('/write', async (req: Request, res: Response) => {
    const body = parseOr400(writeBody, req.body);
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
    const key = parseOr400(keySchema, req.params.key);
    if (req.query.stale === 'true') {
      res.json({ key, value: host.sm.get(key), stale: true, appliedIndex: host.sm.appliedIndex, node: host.id });
      return;
    }
    requireLeader();
    await host.readBarrier();
    res.json({ key, value: host.sm.get(key) });
  });

  r.put('/kv/:key', async (req: Request, res: Response) => {
    const key = parseOr400(keySchema, req.params.key);
    const body = parseOr400(putBody, req.body);
    const out = await proposeOne({ op: 'put', key, value: body.value, clientId: body.clientId, requestId: body.requestId });
    res.json({ success: true, value: (out.result as { value: string }).value, index: out.index, duplicate: out.duplicate });
  });

  r.post('/kv/:key/cas', async (req: Request, res: Response) => {
    const key = parseOr400(keySchema, req.params.key);
    const body = parseOr400(casBody, req.body);
    const out = await proposeOne({ op: 'cas', key, expect: body.expect, value: body.value, clientId: body.clientId, requestId: body.requestId });
    const result = out.result as { success: boolean; value: string | null };
    res.json({ success: result.success, value: result.value, index: out.index, duplicate: out.duplicate });
  });

  // Express serves what serveBatch does not take (batch-route.ts): another content type, say.
  r.post('/batch', async (req: Request, res: Response) => {
    res.json(await answerBatch(host, requireLeader, req.body));
  });

  return r;
}
