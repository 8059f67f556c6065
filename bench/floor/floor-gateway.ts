// Floor path gateway: forwards each write to the leader over a keep-alive undici pool and relays
// the answer. No validation, batching, leader discovery or circuit breaking: the hop alone.
// GET /api/status answers like the real gateway's so the bench's probe accepts it.
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { announcePort, requiredFlag } from './announced-child.ts';

const args = process.argv.slice(2);
const leaderPort = Number(requiredFlag(args, '--leader'));
if (!Number.isInteger(leaderPort) || leaderPort <= 0) throw new Error('floor gateway needs --leader PORT');
const leader = new Pool(`http://127.0.0.1:${leaderPort}`, { connections: 64, pipelining: 1 });
const json = { 'content-type': 'application/json' };

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
    leader.request({ method: 'POST', path: '/write', body: Buffer.concat(chunks), headers: json })
      .then(async (answer) => { res.writeHead(answer.statusCode, json).end(await answer.body.text()); })
      .catch((err: Error) => { res.writeHead(502, json).end(JSON.stringify({ error: `floor leader: ${err.message}`, code: 'LEADER_UNREACHABLE' })); });
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => announcePort(server, () => {
  server.closeAllConnections();
  server.close();
  void leader.destroy();
  process.exit(0);
}));
