// Floor path leader: each POST becomes one frame, sent to every follower and made durable here;
// it is answered 201 once it is durable on a majority (this node and enough followers' acks).
// Frames go out before the local fdatasync, so the two disks work in parallel: the order Raft
// allows a leader (thesis §10.2.1) and the faster one, which a floor should take.
import { createServer } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { announcePort, requiredFlag } from './announced-child.ts';
import { AckReader, encodeFrame } from './floor-frames.ts';
import { floorLogFromArgs } from './floor-log.ts';

const args = process.argv.slice(2);
const log = floorLogFromArgs(args);
const followerPorts = requiredFlag(args, '--followers').split(',').filter(Boolean).map(Number);
/** Followers' acks needed beside this node's own copy for a majority of followers + 1. */
const needed = Math.floor((followerPorts.length + 1) / 2);

interface Waiting { seq: number; answer: () => void }
const waiting: Waiting[] = [];
const acked = followerPorts.map(() => 0);
let seq = 0;
let durable = 0;

function quorumSeq(): number {
  if (needed === 0) return durable;
  const sorted = [...acked].sort((a, b) => b - a);
  return Math.min(durable, sorted[needed - 1]!);
}

function release(): void {
  const q = quorumSeq();
  while (waiting.length > 0 && waiting[0]!.seq <= q) waiting.shift()!.answer();
}

const peers: Socket[] = followerPorts.map((port, i) => {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  const reader = new AckReader();
  socket.on('data', (chunk: Buffer) => {
    const highest = reader.push(chunk);
    if (highest !== null && highest > acked[i]!) { acked[i] = highest; release(); }
  });
  socket.on('error', (err) => console.error(`floor leader: follower on port ${port}: ${err.message}`));
  return socket;
});

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { 'content-type': 'application/json' }).end('{"error":"the floor leader takes POST only","code":"METHOD_NOT_ALLOWED"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const mine = ++seq;
    const frame = encodeFrame(mine, Buffer.concat(chunks));
    for (const p of peers) if (p.writable) p.write(frame);
    waiting.push({ seq: mine, answer: () => res.writeHead(201, { 'content-type': 'application/json' }).end(`{"index":${mine}}`) });
    log.append(frame);
    durable = mine;
    release();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => announcePort(server, () => {
  for (const p of peers) p.destroy();
  server.closeAllConnections();
  server.close();
  log.close();
  process.exit(0);
}));
