// A string per key with get, put and append (concatenation); a missing key reads as "".
// get: output the value read (null also means ""). put/append: input the string.
import { CheckerError } from './errors.ts';
import { UNKNOWN_OUTPUT, continueHashString, hashString, partitionByKey } from './model.ts';
import type { Model, ModelInput, ModelOutput } from './model.ts';
import type { Operation } from '../../reports/run-files/history-ops.ts';

export const kv: Model<string> = {
  name: 'kv',
  readOnly: ['get'],
  validate(input: ModelInput, output: ModelOutput): string | null {
    switch (input.f) {
      case 'get':
        return output === UNKNOWN_OUTPUT || output === null || typeof output === 'string' ? null : 'get must return a string or nil';
      case 'put':
      case 'append':
        return typeof input.value === 'string' ? null : `${input.f} value must be a string`;
      default:
        return `kv has no function ${input.f} (get, put, append)`;
    }
  },
  init: () => '',
  step(state: string, input: ModelInput, output: ModelOutput): [boolean, string] {
    switch (input.f) {
      case 'get':
        return [output === UNKNOWN_OUTPUT || state === (output ?? ''), state];
      case 'put':
        return [true, input.value as string];
      case 'append':
        return [true, state + (input.value as string)];
      default:
        throw new CheckerError('UNKNOWN_FUNCTION', `kv has no function ${input.f}`);
    }
  },
  equal: (a, b) => a === b,
  hash: hashString,
  hashAfterStep: (state, stateHash, input) => (input.f === 'put' ? hashString(input.value as string) : input.f === 'append' ? continueHashString(stateHash, input.value as string) : stateHash),
  isStepResult(candidate, state, input) {
    const v = input.value as string;
    if (input.f === 'put') return candidate === v;
    if (input.f !== 'append') return candidate === state;
    return candidate.length === state.length + v.length && candidate.endsWith(v) && candidate.startsWith(state);
  },
  // Appends only extend the value; a put may start it over.
  growsTo: (state, output) => output === UNKNOWN_OUTPUT || ((output as string | null) ?? '').startsWith(state),
  resetTo: (input) => (input.f === 'put' ? (input.value as string) : null),
  // A V8 string: a header and, for these ASCII values, a byte a character.
  stateBytes: (s) => 24 + s.length,
  partition: partitionByKey,
  // The stale-get scan first: it is the cheaper of the two and finds the usual anomalies.
  impossibleOps: [staleGet, impossibleGet],
  describeState: (s) => JSON.stringify(s),
};

/** A get whose value is not "" nor a put's value (or "") followed by appended pieces of this key. */
function impossibleGet(ops: readonly Operation[]): Operation | null {
  const puts: string[] = [];
  const appends = new Set<string>();
  for (const op of ops) {
    if (op.f === 'put') puts.push(op.input as string);
    if (op.f === 'append' && op.input !== '') appends.add(op.input as string);
  }
  const index = indexPieces([...appends]);
  const possible = new Map<string, boolean>();
  for (const op of ops) {
    if (op.f !== 'get' || op.outcome !== 'ok') continue;
    const value = (op.output as string | null) ?? '';
    let ok = possible.get(value);
    if (ok === undefined) possible.set(value, (ok = buildable(value, puts, index)));
    if (!ok) return op;
  }
  return null;
}

/**
 * An ok get that lacks the piece of an ok append which returned before the get was called, with
 * no put that could be linearized between the two. Appends only extend the value, so that piece
 * must be in what the get read: its absence is a stale read or a lost append, whatever the order
 * of the other calls. Sound only, as impossibleGet; it spares the search from exhausting every
 * order of the concurrent appends before such a get (docs/perf/2026-12-07-checker-vs-porcupine.md).
 * Appends are tried latest first, and the scan stops after STALE_SCAN_CHARS characters read: a
 * partial scan only finds less.
 */
function staleGet(ops: readonly Operation[]): Operation | null {
  const appends = ops.filter((op) => op.f === 'append' && op.outcome === 'ok' && op.input !== '').sort((a, b) => a.returnNs - b.returnNs);
  if (appends.length === 0) return null;
  // Puts by call time, with the latest return among each prefix: a put called before the get
  // returned may be linearized after any append that was called before that put returned.
  const puts = ops.filter((op) => op.f === 'put').sort((a, b) => a.callNs - b.callNs);
  const latestPutReturnNs: number[] = [];
  for (const p of puts) latestPutReturnNs.push(Math.max(p.returnNs, latestPutReturnNs.at(-1) ?? -Infinity));
  let budget = STALE_SCAN_CHARS;
  for (const get of ops) {
    if (get.f !== 'get' || get.outcome !== 'ok') continue;
    const putsBefore = countWhile(puts, (p) => p.callNs <= get.returnNs);
    const resetNs = putsBefore === 0 ? -Infinity : latestPutReturnNs[putsBefore - 1]!;
    const value = (get.output as string | null) ?? '';
    for (let i = countWhile(appends, (a) => a.returnNs < get.callNs) - 1; i >= 0; i--) {
      const append = appends[i]!;
      if (append.callNs <= resetNs) continue;
      if ((budget -= value.length) < 0) return null;
      if (!value.includes(append.input as string)) return get;
    }
  }
  return null;
}

/** About 10 ms of scanning: the check runs on every history, most of them linearizable. */
const STALE_SCAN_CHARS = 20_000_000;

/** How many leading items of `sorted` satisfy `below` (true for a prefix of it, false after). */
function countWhile(sorted: readonly Operation[], below: (op: Operation) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (below(sorted[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface PieceIndex { prefixLength: number; byPrefix: Map<number, string[]> }

/** A number for the `length` characters of `s` from `at` (no substring is made; collisions only cost a startsWith). */
function prefixKey(s: string, at: number, length: number): number {
  let h = 0;
  for (let i = 0; i < length; i++) h = (Math.imul(h, 31) + s.charCodeAt(at + i)) | 0;
  return h;
}

/** Pieces by their first `prefixLength` characters, so each position of a value tries few of them. */
function indexPieces(pieces: readonly string[]): PieceIndex {
  const prefixLength = Math.min(8, ...pieces.map((p) => p.length));
  const byPrefix = new Map<number, string[]>();
  for (const piece of pieces) {
    const head = prefixKey(piece, 0, prefixLength);
    let list = byPrefix.get(head);
    if (list === undefined) byPrefix.set(head, (list = []));
    list.push(piece);
  }
  return { prefixLength, byPrefix };
}

/** Whether `value` is a start ("" or a put value) then pieces, each piece usable any number of times. */
function buildable(value: string, puts: readonly string[], { prefixLength, byPrefix }: PieceIndex): boolean {
  const reached = new Uint8Array(value.length + 1);
  reached[0] = 1;
  for (const put of puts) if (value.startsWith(put)) reached[put.length] = 1;
  for (let at = 0; at + prefixLength <= value.length; at++) {
    if (reached[at] === 0) continue;
    const pieces = byPrefix.get(prefixKey(value, at, prefixLength));
    if (pieces === undefined) continue;
    for (const piece of pieces) {
      if (value.startsWith(piece, at)) reached[at + piece.length] = 1;
    }
  }
  return reached[value.length] === 1;
}
