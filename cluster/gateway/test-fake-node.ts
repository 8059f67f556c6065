import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { loadConfig, type ClusterConfig } from '../config.ts';
import { LineSplitter } from '../http/line-splitter.ts';

/**
 * TEST DOUBLE of a storage node's HTTP contract (the real node is cluster/node/), for gateway
 * tests: `/raft/status`, the client API served by the leader only, 421 NOT_LEADER with a
 * leader hint elsewhere, `/api/batch` and the batch stream, and exactly-once by (clientId,
 * requestId). A batch on the stream is recorded and intercepted as a `POST /api/batch`. Its
 * `leaderUrl` hints are deliberately wrong, so a gateway that follows them instead of mapping
 * the leader id through the config fails. Tests script faults with `intercept`.
 */

export type Role = 'LEADER' | 'FOLLOWER' | 'CANDIDATE';

export interface ReceivedCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** A batch that came as a line of `POST /api/batch-stream`. */
  readonly streamed?: boolean;
}

/** What a scripted interceptor does with one client call (status polls are not intercepted). */
export type Interception =
  | { readonly kind: 'answer'; readonly status: number; readonly body: unknown }
  /** Apply the call, then cut the connection without answering: the outcome is unknown to the caller. */
  | { readonly kind: 'apply-then-drop' }
  /** Never answer (a paused or partitioned node). */
  | { readonly kind: 'hang' }
  /** Wait, then handle normally. */
  | { readonly kind: 'delay'; readonly ms: number }
  | undefined;

type Op =
  | { op: 'append'; data: unknown; source: string; clientId?: string; requestId?: string }
  | { op: 'put'; key: string; value: string; clientId?: string; requestId?: string }
  | { op: 'cas'; key: string; expect: string | null; value: string; clientId?: string; requestId?: string };

interface Answer { status: number; body: unknown }

/** The replicated state all fake nodes of one cluster share (as if replication were instant). */
export class FakeState {
  nextEntryId = 1;
  readonly records = new Map<number, { id: number; data: unknown; source: string; clientId: string | null; requestId: string | null }>();
  readonly kv = new Map<string, string>();
  readonly sessions = new Map<string, Answer>();
  /** Ops that changed state (duplicates excluded), in apply order. */
  readonly applied: Op[] = [];

  apply(op: Op, leaderId: string): Answer {
    const key = op.clientId && op.requestId ? `${op.clientId}\u0000${op.requestId}` : null;
    if (key !== null) {
      const first = this.sessions.get(key);
      if (first) return first;
    }
    let answer: Answer;
    switch (op.op) {
      case 'append': {
        const id = this.nextEntryId++;
        this.records.set(id, { id, data: op.data, source: op.source, clientId: op.clientId ?? null, requestId: op.requestId ?? null });
        answer = { status: 200, body: { success: true, entryId: id, leader: leaderId } };
        break;
      }
      case 'put':
        this.kv.set(op.key, op.value);
        answer = { status: 200, body: { success: true, value: op.value } };
        break;
      case 'cas': {
        const current = this.kv.get(op.key) ?? null;
        if (current === op.expect) { this.kv.set(op.key, op.value); answer = { status: 200, body: { success: true, value: op.value } }; }
        else answer = { status: 200, body: { success: false, value: current } };
        break;
      }
    }
    this.applied.push(op);
    if (key !== null) this.sessions.set(key, answer);
    return answer;
  }
}

export class FakeNode {
  role: Role = 'FOLLOWER';
  term = 1;
  leaderId: string | null = null;
  /** Client calls received (not status polls), in arrival order. */
  readonly received: ReceivedCall[] = [];
  statusPolls = 0;
  /** Scripted behaviour for client calls; return undefined to behave normally. */
  intercept: (call: ReceivedCall) => Interception = () => undefined;
  /** When set, `/raft/status` never answers either (the whole node hangs). */
  hangStatus = false;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(readonly id: string, readonly port: number, private readonly state: FakeState) {}

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  /** Client calls to `path` (exact, or prefix when it ends with `*`). */
  calls(path: string): ReceivedCall[] {
    return this.received.filter((c) => (path.endsWith('*') ? c.path.startsWith(path.slice(0, -1)) : c.path === path));
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
  }

  /** Stops listening and cuts every connection, like a killed process. */
  async kill(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'POST' && req.url === '/api/batch-stream') { this.handleBatchStream(req, res); return; }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/raft/status') {
      this.statusPolls++;
      if (this.hangStatus) return;
      return send(res, 200, {
        id: this.id, state: this.role, term: this.term, leader: this.role === 'LEADER' ? this.id : this.leaderId,
        leaderUrl: 'http://203.0.113.1:9', timeSinceLastHeartbeat: 5, commitIndex: this.state.nextEntryId - 1,
        lastApplied: this.state.nextEntryId - 1, lastLogIndex: this.state.nextEntryId - 1, snapshotIndex: 0, peers: [],
      });
    }
    const call: ReceivedCall = { method: req.method ?? '', path: url.pathname + url.search, body: text === '' ? undefined : JSON.parse(text) };
    const outcome = await this.outcome(call, url);
    if (outcome === 'hang') return;
    if (outcome === 'drop') { req.socket.destroy(); return; }
    send(res, outcome.status, outcome.body);
  }

  /** The node's batch stream: lines {id, ops} in, lines {id, status, body} out. */
  private handleBatchStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.flushHeaders();
    req.setEncoding('utf8');
    const lines = new LineSplitter(64 * 1024 * 1024);
    const url = new URL('/api/batch', 'http://x');
    req.on('data', (chunk: string) => {
      for (const line of lines.push(chunk).lines) {
        const { id, ops } = JSON.parse(line) as { id: number; ops: unknown };
        void this.outcome({ method: 'POST', path: '/api/batch', body: { ops }, streamed: true }, url).then((outcome) => {
          if (outcome === 'hang') return;
          if (outcome === 'drop') { req.socket.destroy(); return; }
          if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ id, ...outcome })}\n`);
        });
      }
    });
  }

  /** What a client call gets: an answer, none ('hang'), or a cut connection after it was applied ('drop'). */
  private async outcome(call: ReceivedCall, url: URL): Promise<Answer | 'hang' | 'drop'> {
    this.received.push(call);
    const action = this.intercept(call);
    if (action?.kind === 'hang') return 'hang';
    if (action?.kind === 'answer') return { status: action.status, body: action.body };
    if (action?.kind === 'delay') await new Promise((r) => setTimeout(r, action.ms));
    const answer = this.serve(call, url);
    return action?.kind === 'apply-then-drop' ? 'drop' : answer;
  }

  private serve(call: ReceivedCall, url: URL): Answer {
    const stale = url.searchParams.get('stale') === 'true';
    if (this.role !== 'LEADER' && !(stale && call.method === 'GET')) {
      // leaderUrl is wrong on purpose: the gateway must map the leader id itself.
      return { status: 421, body: { error: 'not the leader', code: 'NOT_LEADER', leader: this.leaderId, leaderUrl: this.leaderId ? 'http://203.0.113.1:9' : null } };
    }
    const b = call.body as Record<string, unknown>;
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if (call.method === 'POST' && path === '/api/batch') {
      return { status: 200, body: { results: (b.ops as Op[]).map((op) => this.state.apply(op, this.id)) } };
    }
    if (call.method === 'POST' && path === '/api/write') return this.state.apply({ op: 'append', ...(b as { data: unknown; source: string }) }, this.id);
    if (call.method === 'GET' && (m = /^\/api\/entries\/(\d+)$/.exec(path))) {
      const r = this.state.records.get(Number(m[1]));
      return r ? { status: 200, body: r } : { status: 404, body: { error: 'no such entry', code: 'NOT_FOUND' } };
    }
    if ((m = /^\/api\/kv\/([^/]+)\/cas$/.exec(path)) && call.method === 'POST') {
      return this.state.apply({ op: 'cas', key: decodeURIComponent(m[1]!), ...(b as { expect: string | null; value: string }) }, this.id);
    }
    if ((m = /^\/api\/kv\/([^/]+)$/.exec(path))) {
      const key = decodeURIComponent(m[1]!);
      if (call.method === 'PUT') return this.state.apply({ op: 'put', key, ...(b as { value: string }) }, this.id);
      if (call.method === 'GET') return { status: 200, body: { key, value: this.state.kv.get(key) ?? null } };
    }
    return { status: 404, body: { error: 'no route', code: 'NOT_FOUND' } };
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface FakeCluster {
  readonly nodes: FakeNode[];
  readonly state: FakeState;
  readonly config: ClusterConfig;
  node(id: string): FakeNode;
  /** Makes `leaderId` the leader at a new term; the others follow it. */
  elect(leaderId: string | null): void;
  close(): Promise<void>;
}

/**
 * Starts `count` fake nodes on consecutive free ports (the config derives node ports from one
 * base port) and a config pointing at them. Other tests run concurrently: on a clash, retry.
 */
export async function startFakeCluster(gateway: Record<string, unknown> = {}, count = 3): Promise<FakeCluster> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const basePort = 20_000 + Math.floor(Math.random() * 40_000);
    const state = new FakeState();
    const nodes = Array.from({ length: count }, (_, i) => new FakeNode(`node${i + 1}`, basePort + i, state));
    try {
      for (const n of nodes) await n.listen();
    } catch {
      await Promise.all(nodes.map((n) => n.kill()));
      continue;
    }
    const overrides: Record<string, unknown> = { nodeCount: count, basePort, host: '127.0.0.1', 'links.mode': 'direct', 'gateway.host': '127.0.0.1' };
    for (const [k, v] of Object.entries(gateway)) overrides[`gateway.${k}`] = v;
    const config = loadConfig({}, overrides);
    let term = 1;
    return {
      nodes, state, config,
      node: (id) => nodes.find((n) => n.id === id)!,
      elect(leaderId) {
        term++;
        for (const n of nodes) { n.term = term; n.role = n.id === leaderId ? 'LEADER' : 'FOLLOWER'; n.leaderId = leaderId; }
      },
      close: async () => { await Promise.all(nodes.map((n) => n.kill())); },
    };
  }
  throw new Error('could not find free consecutive ports for the fake cluster');
}
