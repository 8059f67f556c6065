import { Router, type Request, type Response } from 'express';
import { requestToken } from '../auth/request-auth.ts';
import type { AuditLog } from '../auth/audit-log.ts';
import { NodeError } from './errors.ts';
import type { RaftHost } from './raft-host.ts';

export interface RaftApiDeps {
  readonly host: RaftHost;
  readonly audit: AuditLog;
  readonly tickMs: number;
  readonly peers: readonly string[];
  readonly nodeUrl: (id: string) => string | null;
}

function intQuery(req: Request, name: string, fallback: number, min: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < min || n > max) {
    throw new NodeError('BAD_REQUEST', `${name} must be a whole number between ${min} and ${max}`);
  }
  return n;
}

/** Observability and admin endpoints: status, committed log, audit events, leadership transfer. */
export function raftApi({ host, audit, tickMs, peers, nodeUrl }: RaftApiDeps): Router {
  const r = Router();

  r.get('/status', (_req: Request, res: Response) => {
    const st = host.status();
    const byId = new Map(st.progress.map((p) => [p.id, p]));
    res.json({
      id: st.id,
      state: st.role === 'PRECANDIDATE' ? 'CANDIDATE' : st.role,
      role: st.role,
      term: st.term,
      leader: st.leader,
      leaderUrl: st.leader ? nodeUrl(st.leader) : null,
      timeSinceLastHeartbeat: host.msSinceLeaderContact(),
      commitIndex: st.commit,
      lastApplied: host.sm.appliedIndex,
      lastLogIndex: st.lastIndex,
      snapshotIndex: st.snapshotIndex,
      votedFor: st.vote,
      transferee: st.transferee,
      catchingUp: st.catchingUp,
      peers: peers.filter((p) => p !== st.id).map((id) => {
        const p = byId.get(id);
        return p
          ? { id, matchIndex: p.match, nextIndex: p.next, lagEntries: Math.max(0, st.lastIndex - p.match), lastContactMs: p.ticksSinceResponse * tickMs, state: p.state, inflight: p.inflight }
          : { id, matchIndex: null, nextIndex: null, lagEntries: null, lastContactMs: null };
      }),
    });
  });

  // Committed entries, for checkers. Entries at or below the snapshot were compacted away;
  // their effects live in the state machine (GET /api/entries/:id for appended records).
  r.get('/log', (req: Request, res: Response) => {
    const st = host.status();
    const from = intQuery(req, 'from', 1, 1, Number.MAX_SAFE_INTEGER);
    const limit = intQuery(req, 'limit', 1000, 1, 10_000);
    const start = Math.max(from, st.snapshotIndex + 1);
    const end = Math.min(st.commit, start + limit - 1);
    const entries = [];
    for (let i = start; i <= end; i++) {
      const e = host.committedEntry(i);
      if (!e) break;
      entries.push({ index: e.index, term: e.term, kind: e.kind, command: e.kind === 'command' ? JSON.parse(e.data) : null });
    }
    res.json({ node: st.id, commitIndex: st.commit, snapshotIndex: st.snapshotIndex, compactedThrough: st.snapshotIndex, from: start, entries });
  });

  r.get('/events', (req: Request, res: Response) => {
    const since = intQuery(req, 'since', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intQuery(req, 'limit', 1000, 1, 10_000);
    res.json({ node: host.id, lastSeq: audit.lastSeq(), events: audit.since(since, limit) });
  });

  // Leadership transfer (rolling restarts): to a named node, or the most caught-up follower.
  r.post('/transfer-leadership', (req: Request, res: Response) => {
    const st = host.status();
    if (st.role !== 'LEADER') throw new NodeError('NOT_LEADER', `node ${st.id} is not the leader`, { leader: st.leader, leaderUrl: st.leader ? nodeUrl(st.leader) : null });
    const body = (req.body ?? {}) as { target?: unknown };
    let target = body.target;
    if (target === undefined) {
      const best = [...st.progress].sort((a, b) => b.match - a.match)[0];
      if (!best) throw new NodeError('BAD_REQUEST', 'no follower to transfer to');
      target = best.id;
    }
    if (typeof target !== 'string' || !peers.includes(target) || target === st.id) {
      throw new NodeError('BAD_REQUEST', `target must be another node's id (${peers.filter((p) => p !== st.id).join(', ')})`);
    }
    host.transferLeadership(target);
    audit.record('admin-action', { action: 'transfer-leadership', target, token: requestToken(req)?.name ?? null, source: req.socket.remoteAddress ?? null });
    res.status(202).json({ transferring: true, from: st.id, to: target, term: st.term });
  });

  return r;
}
