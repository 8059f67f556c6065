// Framing of WAL (and snapshot) records:
//
//   offset 0  u32le  payload length in bytes
//          4  u32le  CRC-32 of bytes [0,4) ++ [8, 9 + length): length, type and payload
//          8  u8     record type (see wal-records.ts)
//          9  ...    payload
//
// The CRC covers the length field too, so a flipped length cannot make the reader skip silently
// over good records or into garbage.
import { crc32 } from './crc32.ts';
import { StorageError } from './errors.ts';

export const frameHeaderBytes = 9;
/** No record is this large; a bigger length field is damage, not data. */
export const recordBytesMax = 1 << 30;

/** Throws INVALID_ARGUMENT for a payload the reader would call damage. */
export function encodeFrame(type: number, payload: Uint8Array): Buffer {
  if (payload.length > recordBytesMax) {
    throw new StorageError('INVALID_ARGUMENT', `a ${payload.length}-byte record exceeds the ${recordBytesMax}-byte limit`);
  }
  const frame = Buffer.allocUnsafe(frameHeaderBytes + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt8(type, 8);
  frame.set(payload, frameHeaderBytes);
  frame.writeUInt32LE(frameCrc(frame, 0, payload.length), 4);
  return frame;
}

function frameCrc(buf: Uint8Array, offset: number, length: number): number {
  const afterLength = crc32(buf, 0, offset, offset + 4);
  return crc32(buf, afterLength, offset + 8, offset + frameHeaderBytes + length);
}

export interface Frame {
  readonly type: number;
  readonly offset: number;
  readonly payload: Buffer;
}

export type FrameRead =
  | { readonly kind: 'ok'; readonly frame: Frame; readonly next: number }
  /** Fewer bytes left than the header or the length field asks for. */
  | { readonly kind: 'short' }
  | { readonly kind: 'bad'; readonly reason: string };

/** Read the frame at `offset`; `isType` rejects unknown type bytes as damage. */
export function readFrame(buf: Buffer, offset: number, isType: (t: number) => boolean): FrameRead {
  const left = buf.length - offset;
  if (left < frameHeaderBytes) return { kind: 'short' };
  const length = buf.readUInt32LE(offset);
  if (length > recordBytesMax) return { kind: 'bad', reason: `length field ${length} exceeds ${recordBytesMax}` };
  if (left < frameHeaderBytes + length) return { kind: 'short' };
  const stored = buf.readUInt32LE(offset + 4);
  const actual = frameCrc(buf, offset, length);
  if (stored !== actual) return { kind: 'bad', reason: `CRC mismatch (stored ${hex(stored)}, computed ${hex(actual)})` };
  const type = buf.readUInt8(offset + 8);
  if (!isType(type)) return { kind: 'bad', reason: `unknown record type ${type}` };
  const payload = buf.subarray(offset + frameHeaderBytes, offset + frameHeaderBytes + length);
  return { kind: 'ok', frame: { type, offset, payload }, next: offset + frameHeaderBytes + length };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

export type ScanResult =
  | { readonly kind: 'clean'; readonly frames: Frame[] }
  /** The bytes from `goodBytes` on hold no valid frame: a write cut short by a crash. */
  | { readonly kind: 'torn'; readonly frames: Frame[]; readonly goodBytes: number }
  /** A damaged frame at `offset` with valid frames after it, or damage where no tear is possible. */
  | { readonly kind: 'corrupt'; readonly frames: Frame[]; readonly offset: number; readonly reason: string };

/**
 * Read every frame. A crash can only cut the end of the last write, so a damaged frame is called
 * torn only when `tailMayTear` and no valid frame starts anywhere after it; otherwise it is
 * corruption. (After an OS crash without fsync, a filesystem may persist pages out of order and
 * leave a hole before valid data; that reads as corruption too, and refusing is the safe answer.)
 */
export function scanFrames(buf: Buffer, tailMayTear: boolean, isType: (t: number) => boolean): ScanResult {
  const frames: Frame[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const r = readFrame(buf, offset, isType);
    if (r.kind === 'ok') {
      frames.push(r.frame);
      offset = r.next;
      continue;
    }
    const reason = r.kind === 'short' ? `record cut short (${buf.length - offset} bytes left)` : r.reason;
    if (!tailMayTear) return { kind: 'corrupt', frames, offset, reason };
    const later = findFrameAfter(buf, offset + 1, isType);
    if (later !== null) return { kind: 'corrupt', frames, offset, reason: `${reason}; a valid record follows at ${later}` };
    return { kind: 'torn', frames, goodBytes: offset };
  }
  return { kind: 'clean', frames };
}

function findFrameAfter(buf: Buffer, from: number, isType: (t: number) => boolean): number | null {
  for (let p = from; p + frameHeaderBytes <= buf.length; p++) {
    if (!isType(buf[p + 8]!)) continue;
    if (readFrame(buf, p, isType).kind === 'ok') return p;
  }
  return null;
}
