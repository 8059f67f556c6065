// Floor path follower: makes each batch of frames durable (one write + fdatasync), then acks the
// highest sequence in it. No terms, no log matching, no state machine: the least a follower can do.
import { createServer } from 'node:net';
import { announcePort } from './announced-child.ts';
import { encodeAck, FrameReader } from './floor-frames.ts';
import { floorLogFromArgs } from './floor-log.ts';

const log = floorLogFromArgs(process.argv.slice(2));
const server = createServer((socket) => {
  socket.setNoDelay(true);
  const reader = new FrameReader();
  socket.on('data', (chunk: Buffer) => {
    const frames = reader.push(chunk);
    if (frames === null) return;
    log.append(frames.bytes);
    socket.write(encodeAck(frames.lastSeq));
  });
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => announcePort(server, () => { server.close(); log.close(); process.exit(0); }));
