// A snapshot's data held as the pieces it was serialised in. A long run's state is tens of MB:
// joining the pieces into one string on the host's event loop stalled a leader for 100-240 ms
// (audited as loop-stall events, right as each snapshot finished serialising at 45-58 MB), long
// enough to lose its followers. Storage writes and checks the pieces one by one; `data` is
// still there for whoever needs the whole text (an InstallSnapshot message) and is joined once,
// on first use.
import type { Snapshot } from '../raft/messages.ts';

const piecesKey = Symbol('snapshot pieces');

interface PiecedSnapshot extends Snapshot { readonly [piecesKey]: readonly string[] }

/**
 * Pieces must be split only between UTF-16 code points (true of JSON text cut between tokens).
 * The pieces are a symbol-keyed property, so JSON.stringify of the snapshot sends `data` once.
 */
export function piecedSnapshot(index: number, term: number, pieces: readonly string[]): Snapshot {
  let joined: string | null = null;
  const s = { index, term, [piecesKey]: pieces } as unknown as PiecedSnapshot;
  Object.defineProperty(s, 'data', { enumerable: true, get: () => (joined ??= pieces.join('')) });
  return s;
}

/** The data in pieces, without joining: the pieces of a pieced snapshot, else the whole string. */
export function snapshotPieces(s: Snapshot): readonly string[] {
  return (s as Partial<PiecedSnapshot>)[piecesKey] ?? [s.data];
}

export function snapshotChars(s: Snapshot): number {
  let n = 0;
  for (const p of snapshotPieces(s)) n += p.length;
  return n;
}

export function snapshotUtf8Bytes(s: Snapshot): number {
  let n = 0;
  for (const p of snapshotPieces(s)) n += Buffer.byteLength(p, 'utf8');
  return n;
}
