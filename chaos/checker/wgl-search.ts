// Wing & Gong's search as Lowe refined it, for one partition: walk the calls that could take
// effect next (those before the first return entry in the list), linearize the first the model
// accepts, and backtrack when a return entry is reached with nothing left to try. Configurations
// (linearized set, state) already explored are memoised.
//
// Info ops take effect at most `infoWindowNs` after their call, or never. With the default
// (+Infinity) their return entries sit after every ok op's, so they never force anything and the
// search succeeds once every ok op is linearized, leaving the rest out. With a finite window,
// reaching an info op's return entry offers one more move, "omit it" (it never took effect);
// omitting only when forced loses nothing, since omission changes no state. Omitted and
// linearized ops are both "resolved": the memo's set is the resolved set, which is all the
// future depends on. At each configuration ok calls are tried before info calls, so a correct
// history is usually found on the first path instead of after every subset of pending info calls.
import { EntryList } from './entry-list.ts';
import { UNKNOWN_OUTPUT } from './model.ts';
import type { Model, ModelInput, ModelOutput } from './model.ts';
import type { Operation } from './history.ts';
import { StateCache } from './state-cache.ts';

export interface SearchLimits {
  deadlineMs: number;
  nowMs: () => number;
  /** How long after its call an info op may still take effect; Infinity is the exact rule. */
  infoWindowNs?: number;
}

export interface SearchOutcome<S> {
  valid: boolean | 'unknown';
  /** Indices (into the partition's ops) of the longest linearizable prefix found, in order. */
  bestPrefix: number[];
  stateAfterPrefix: S;
  steps: number;
  configurations: number;
}

const DEADLINE_CHECK_MASK = 0xfff;
const OMITTED = 2;

export function searchPartition<S>(model: Model<S>, ops: readonly Operation[], limits: SearchLimits): SearchOutcome<S> {
  const n = ops.length;
  const inputs: ModelInput[] = ops.map((op) => ({ f: op.f, value: op.input }));
  const outputs: ModelOutput[] = ops.map((op) => (op.outcome === 'ok' ? (op.output ?? null) : UNKNOWN_OUTPUT));
  const definite = new Uint8Array(n);
  let remaining = 0;
  let infoCount = 0;
  for (let k = 0; k < n; k++) {
    if (ops[k]!.outcome === 'ok') { definite[k] = 1; remaining++; } else infoCount++;
  }
  const [zLow, zHigh] = zobristTables(n);
  const infoWindowNs = limits.infoWindowNs ?? Infinity;
  const list = new EntryList(ops.map((op) => ({
    callNs: op.callNs,
    returnNs: op.outcome === 'ok' ? op.returnNs : op.callNs + infoWindowNs,
  })));
  const { next, head } = list;
  const bits = new Uint32Array(Math.max(1, Math.ceil(n / 32)));
  const cache = new StateCache<S>(model.equal);

  // The path: which call entry was resolved, in which phase (2: omitted), and the state before it.
  const stackCall = new Int32Array(n);
  const stackPhase = new Uint8Array(n);
  const stackState: S[] = new Array<S>(n);
  let depth = 0;

  let state = model.init();
  let hashLow = 0;
  let hashHigh = 0;
  let bestDefinite = -1;
  let bestPrefix: number[] = [];
  let stateAfterPrefix = state;
  let steps = 0;
  const recordBest = (): void => {
    const done = ops.length - infoCount - remaining;
    if (done <= bestDefinite) return;
    bestDefinite = done;
    bestPrefix = [];
    for (let d = 0; d < depth; d++) if (stackPhase[d] !== OMITTED) bestPrefix.push(stackCall[d]! >> 1);
    stateAfterPrefix = state;
  };
  recordBest();

  // phase 0 tries ok calls, phase 1 info calls, each over the same candidates.
  let phase = 0;
  let entry = next[head]!;
  while (remaining > 0) {
    if ((++steps & DEADLINE_CHECK_MASK) === 0 && limits.nowMs() >= limits.deadlineMs) {
      return { valid: 'unknown', bestPrefix, stateAfterPrefix, steps, configurations: cache.size };
    }
    if (entry !== -1 && (entry & 1) === 0) {
      const k = entry >> 1;
      if (definite[k] === 1 - phase) {
        const [legal, nextState] = model.step(state, inputs[k]!, outputs[k]!);
        if (legal) {
          const word = k >>> 5;
          const mask = 1 << (k & 31);
          bits[word]! |= mask;
          const stateHash = model.hash(nextState);
          const low = hashLow ^ zLow[k]! ^ stateHash;
          const high = hashHigh ^ zHigh[k]! ^ Math.imul(stateHash, 0x9e3779b1);
          if (cache.add(bits, low, high, nextState)) {
            stackCall[depth] = entry;
            stackPhase[depth] = phase;
            stackState[depth] = state;
            depth++;
            hashLow ^= zLow[k]!;
            hashHigh ^= zHigh[k]!;
            state = nextState;
            if (definite[k] === 1) remaining--;
            list.lift(entry);
            recordBest();
            phase = 0;
            entry = next[head]!;
            continue;
          }
          bits[word]! &= ~mask;
        }
      }
      entry = next[entry]!;
      continue;
    }
    // A return entry (or the end): every candidate of this phase has been tried.
    if (phase === 0 && infoCount > 0) {
      phase = 1;
      entry = next[head]!;
      continue;
    }
    if (phase === 1 && entry !== -1 && definite[entry >> 1] === 0) {
      const k = entry >> 1;
      const word = k >>> 5;
      const mask = 1 << (k & 31);
      bits[word]! |= mask;
      const stateHash = model.hash(state);
      if (cache.add(bits, hashLow ^ zLow[k]! ^ stateHash, hashHigh ^ zHigh[k]! ^ Math.imul(stateHash, 0x9e3779b1), state)) {
        stackCall[depth] = entry - 1;
        stackPhase[depth] = OMITTED;
        stackState[depth] = state;
        depth++;
        hashLow ^= zLow[k]!;
        hashHigh ^= zHigh[k]!;
        list.lift(entry - 1);
        phase = 0;
        entry = next[head]!;
        continue;
      }
      bits[word]! &= ~mask;
    }
    if (depth === 0) {
      return { valid: false, bestPrefix, stateAfterPrefix, steps, configurations: cache.size };
    }
    depth--;
    const call = stackCall[depth]!;
    const k = call >> 1;
    list.unlift(call);
    bits[k >>> 5]! &= ~(1 << (k & 31));
    hashLow ^= zLow[k]!;
    hashHigh ^= zHigh[k]!;
    state = stackState[depth]!;
    if (definite[k] === 1) remaining++;
    phase = stackPhase[depth]!;
    // Omission is the last move tried at a configuration: nothing is left there.
    entry = phase === OMITTED ? -1 : next[call]!;
  }
  recordBest();
  return { valid: true, bestPrefix, stateAfterPrefix, steps, configurations: cache.size };
}

/** Two random 32-bit words per op (fixed seed, so runs repeat); a set hashes to their xor. */
function zobristTables(n: number): [Int32Array, Int32Array] {
  const low = new Int32Array(n);
  const high = new Int32Array(n);
  let x = 0x2545f491;
  const nextWord = (): number => {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x | 0;
  };
  for (let k = 0; k < n; k++) {
    low[k] = nextWord();
    high[k] = nextWord();
  }
  return [low, high];
}
