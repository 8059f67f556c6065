// Floor path leader: the gateway's frames arrive on one TCP connection; each chunk of them is
// sent to every follower and made durable here (one write + fdatasync), and acked to the gateway
// once it is durable on a majority (this node and enough followers' acks). Frames go out before
// the local fdatasync, so the disks work in parallel: the order Raft allows a leader (thesis
// §10.2.1) and the faster one, which a floor should take.
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { announcePort, requiredFlag } from './announced-child.ts';
import { AckReader, encodeAck, FrameReader } from './floor-frames.ts';
import { floorLogFromArgs } from './floor-log.ts';

const args = process.argv.slice(2);
const log = floorLogFromArgs(args);
const followerPorts = requiredFlag(args, '--followers').split(',').filter(Boolean).map(Number);
/** Followers' acks needed beside this node's own copy for a majority of followers + 1. */
const needed = Math.floor((followerPorts.length + 1) / 2);

interface Waiting { seq: number; answer: () => void }
const waiting: Waiting[] = [];
const acked = followerPorts.map(() => 0);
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

const server = createServer((gateway) => {
  gateway.setNoDelay(true);
  const frames = new FrameReader();
  gateway.on('data', (chunk: Buffer) => {
    // The gateway numbers its writes; one gateway, so its sequence is the replication sequence.
    const got = frames.push(chunk);
    if (got === null) return;
    for (const p of peers) if (p.writable) p.write(got.bytes);
    const last = got.lastSeq;
    waiting.push({ seq: last, answer: () => { if (gateway.writable) gateway.write(encodeAck(last)); } });
    log.append(got.bytes);
    durable = last;
    release();
  });
  gateway.on('error', () => gateway.destroy());
});
server.listen(0, '127.0.0.1', () => announcePort(server, () => {
  for (const p of peers) p.destroy();
  server.close();
  log.close();
  process.exit(0);
}));
