// Floor path gateway: forwards each write to the leader as one frame on a single TCP
// connection, and answers the client when the leader acks that frame's sequence. The cluster's
// gateway sends its batches on one long-lived stream per node too (cluster/gateway/batch-link.ts),
// so the floor's hop must be at least as lean. No validation, batching, leader discovery or
// circuit breaking: the hop alone. GET /api/status answers like the real gateway's so the
// bench's probe accepts it.
import { createServer, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { announcePort, requiredFlag } from './announced-child.ts';
import { AckReader, encodeFrame } from './floor-frames.ts';

const args = process.argv.slice(2);
const leaderPort = Number(requiredFlag(args, '--leader'));
if (!Number.isInteger(leaderPort) || leaderPort <= 0) throw new Error('floor gateway needs --leader PORT');
const json = { 'content-type': 'application/json' };

/** Writes sent and not yet acked, oldest first: the leader acks sequences in order. */
const waiting: { seq: number; res: ServerResponse }[] = [];
let seq = 0;
const leader = connect(leaderPort, '127.0.0.1');
leader.setNoDelay(true);
const acks = new AckReader();
leader.on('data', (chunk: Buffer) => {
  const highest = acks.push(chunk);
  if (highest === null) return;
  while (waiting.length > 0 && waiting[0]!.seq <= highest) {
    const w = waiting.shift()!;
    w.res.writeHead(201, json).end(`{"index":${w.seq}}`);
  }
});
leader.on('error', (err) => {
  for (const w of waiting.splice(0)) w.res.writeHead(502, json).end(JSON.stringify({ error: `floor leader: ${err.message}`, code: 'LEADER_UNREACHABLE' }));
});

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/api/status') {
    res.writeHead(200, json).end(JSON.stringify({ leaderId: 'floor-leader', nodes: [], floor: true }));
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, json).end('{"error":"the floor gateway takes writes (POST) and GET /api/status only","code":"METHOD_NOT_ALLOWED"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const mine = ++seq;
    waiting.push({ seq: mine, res });
    leader.write(encodeFrame(mine, Buffer.concat(chunks)));
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => announcePort(server, () => {
  server.closeAllConnections();
  server.close();
  leader.destroy();
  process.exit(0);
}));
