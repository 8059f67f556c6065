// The floor path's replication frames: [u32 payload length][u32 sequence][payload], and acks of
// one u32 (the highest sequence the follower has made durable). TCP may split or join frames,
// so the reader keeps the unfinished tail between chunks.

export const frameHeaderBytes = 8;
export const ackBytes = 4;

export function encodeFrame(seq: number, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(frameHeaderBytes + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(seq, 4);
  payload.copy(frame, frameHeaderBytes);
  return frame;
}

export function encodeAck(seq: number): Buffer {
  const ack = Buffer.allocUnsafe(ackBytes);
  ack.writeUInt32LE(seq, 0);
  return ack;
}

/** Accumulates chunks and hands out whole frames (the bytes to persist, and the last sequence). */
export class FrameReader {
  private tail: Buffer = Buffer.alloc(0);

  /** Whole frames completed by `chunk`: their bytes, contiguous, and the highest sequence; null if none. */
  push(chunk: Buffer): { bytes: Buffer; lastSeq: number } | null {
    const buf = this.tail.length === 0 ? chunk : Buffer.concat([this.tail, chunk]);
    let offset = 0;
    let lastSeq = -1;
    while (buf.length - offset >= frameHeaderBytes) {
      const size = frameHeaderBytes + buf.readUInt32LE(offset);
      if (buf.length - offset < size) break;
      lastSeq = buf.readUInt32LE(offset + 4);
      offset += size;
    }
    this.tail = buf.subarray(offset);
    return lastSeq < 0 ? null : { bytes: buf.subarray(0, offset), lastSeq };
  }
}

/** Acks arrive as a stream of u32s; yields the highest in a chunk, keeping a split one for later. */
export class AckReader {
  private tail: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): number | null {
    const buf = this.tail.length === 0 ? chunk : Buffer.concat([this.tail, chunk]);
    const whole = buf.length - (buf.length % ackBytes);
    let highest: number | null = null;
    for (let o = 0; o < whole; o += ackBytes) highest = Math.max(highest ?? 0, buf.readUInt32LE(o));
    this.tail = buf.subarray(whole);
    return highest;
  }
}
