// Record types and their payloads. Entries and hard states are fixed binary layouts (the hot
// path); the checkpoint is JSON because it is written once per compaction and is easiest to
// inspect by hand. Numbers are float64: Raft indexes and terms are safe integers (< 2^53).
import type { Entry, EntryKind, HardState, Snapshot } from '../raft/messages.ts';

export const RecordType = {
  /** One log entry; replaces the stored entry at its index and everything after it. */
  entry: 1,
  /** The latest hard state; the last one read wins. */
  hardState: 2,
  /**
   * The whole durable state except the snapshot's data: hard state, snapshot (index, term) and
   * every entry after it. Always the first record of the segment that follows a snapshot, so
   * replay starts at the newest checkpoint and every older segment can be deleted.
   */
  checkpoint: 3,
  /** The only record of a snapshot file. */
  snapshot: 4,
} as const;

export function isWalRecordType(t: number): boolean {
  return t === RecordType.entry || t === RecordType.hardState || t === RecordType.checkpoint;
}

export function isSnapshotRecordType(t: number): boolean {
  return t === RecordType.snapshot;
}

/** Thrown for a frame whose checksum is fine but whose payload does not decode. */
export class PayloadError extends Error {}

const kindCode: Record<EntryKind, number> = { command: 0, noop: 1 };
const kindOf: readonly EntryKind[] = ['command', 'noop'];

export function encodeEntry(e: Entry): Buffer {
  const dataBytes = Buffer.byteLength(e.data, 'utf8');
  const buf = Buffer.allocUnsafe(17 + dataBytes);
  buf.writeDoubleLE(e.index, 0);
  buf.writeDoubleLE(e.term, 8);
  buf.writeUInt8(kindCode[e.kind], 16);
  buf.write(e.data, 17, 'utf8');
  return buf;
}

export function decodeEntry(p: Buffer): Entry {
  if (p.length < 17) throw new PayloadError(`entry payload of ${p.length} bytes, need at least 17`);
  const kind = kindOf[p.readUInt8(16)];
  if (!kind) throw new PayloadError(`unknown entry kind ${p.readUInt8(16)}`);
  return { index: count(p.readDoubleLE(0), 'index'), term: count(p.readDoubleLE(8), 'term'), kind, data: p.toString('utf8', 17) };
}

export function encodeHardState(hs: HardState): Buffer {
  const vote = hs.vote ?? '';
  const buf = Buffer.allocUnsafe(17 + Buffer.byteLength(vote, 'utf8'));
  buf.writeDoubleLE(hs.term, 0);
  buf.writeDoubleLE(hs.commit, 8);
  buf.writeUInt8(hs.vote === null ? 0 : 1, 16);
  buf.write(vote, 17, 'utf8');
  return buf;
}

export function decodeHardState(p: Buffer): HardState {
  if (p.length < 17) throw new PayloadError(`hard state payload of ${p.length} bytes, need at least 17`);
  const hasVote = p.readUInt8(16);
  if (hasVote > 1) throw new PayloadError(`hard state vote flag ${hasVote}`);
  return {
    term: count(p.readDoubleLE(0), 'term'),
    commit: count(p.readDoubleLE(8), 'commit'),
    vote: hasVote ? p.toString('utf8', 17) : null,
  };
}

export interface Checkpoint {
  readonly hardState: HardState;
  readonly snapshot: { readonly index: number; readonly term: number } | null;
  readonly entries: readonly Entry[];
}

export function encodeCheckpoint(c: Checkpoint): Buffer {
  return Buffer.from(JSON.stringify(c), 'utf8');
}

export function decodeCheckpoint(p: Buffer): Checkpoint {
  let v: unknown;
  try { v = JSON.parse(p.toString('utf8')); } catch (e) { throw new PayloadError(`checkpoint is not JSON: ${(e as Error).message}`); }
  const c = v as Checkpoint;
  if (typeof c !== 'object' || c === null || !Array.isArray(c.entries) || typeof c.hardState !== 'object') {
    throw new PayloadError('checkpoint lacks hardState or entries');
  }
  // Shapes are re-checked by the log model when the checkpoint is replayed into it.
  return c;
}

export function encodeSnapshot(s: Snapshot): Buffer {
  const buf = Buffer.allocUnsafe(16 + Buffer.byteLength(s.data, 'utf8'));
  buf.writeDoubleLE(s.index, 0);
  buf.writeDoubleLE(s.term, 8);
  buf.write(s.data, 16, 'utf8');
  return buf;
}

export function decodeSnapshot(p: Buffer): Snapshot {
  if (p.length < 16) throw new PayloadError(`snapshot payload of ${p.length} bytes, need at least 16`);
  return { index: count(p.readDoubleLE(0), 'index'), term: count(p.readDoubleLE(8), 'term'), data: p.toString('utf8', 16) };
}

function count(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new PayloadError(`${what} ${n} is not a non-negative safe integer`);
  return n;
}
