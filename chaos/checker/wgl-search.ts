// Wing & Gong's search as Lowe refined it, for one partition: walk the calls that could take
// effect next (those before the first return entry in the list), linearize the first the model
// accepts, and backtrack when a return entry is reached with nothing left to try. Configurations
// (resolved set, interned state) already explored are memoised. The search runs in slices of
// steps (`run`), so the caller can interleave partitions and stop at the first refutation.
//
// Info ops take effect at most `infoWindowNs` after their call, or never. With the default
// (+Infinity) their return entries sit after every ok op's, so they never force anything and the
// search succeeds once every ok op is linearized, leaving the rest out. With a finite window,
// reaching an info op's return entry offers one more move, "omit it" (it never took effect);
// omitting only when forced loses nothing, since omission changes no state. Omitted and
// linearized ops are both "resolved": the memo's set is the resolved set, which is all the
// future depends on. At each configuration ok calls are tried before info calls, so a correct
// history is usually found on the first path instead of after every subset of pending info calls.
//
// Reads first: a read-only ok call that the current state explains is linearized at once, and it
// is the only move tried at that configuration. Sound and complete: it is a candidate, so no
// unresolved op returned before it was called, and it changes no state, so any linearization
// from here stays one with that read moved to the front. Gets are half of a kv history, so this
// cuts most of the branching (docs/perf/2026-12-07-checker-vs-porcupine.md).
//
// Stuck reads: with a model whose states only grow between resets (kv), a pending read whose
// value no longer extends the state, and with every reset that could come before it resolved,
// can never become legal: the configuration is dropped at once instead of searched to that read's
// return. A wrong order of concurrent appends dies here, one step after it was made.
import { EntryList } from './entry-list.ts';
import { invariant } from './errors.ts';
import { MemoryBudget, MemoryLimitError } from './memory-budget.ts';
import { UNKNOWN_OUTPUT } from './model.ts';
import type { Model, ModelInput, ModelOutput } from './model.ts';
import type { Operation } from '../../reports/run-files/history-ops.ts';
import { StateCache } from './state-cache.ts';
import { StateTable, mixHash } from './state-table.ts';

export interface SearchOptions {
  /** How long after its call an info op may still take effect; Infinity is the exact rule. */
  infoWindowNs?: number;
  /** Shared by all searches of one check; growth past it ends this search "unknown". */
  budget?: MemoryBudget;
}

export interface SearchOutcome<S> {
  valid: boolean | 'unknown';
  /** Why "unknown" (memory limit); time limits are the caller's to report. */
  reason?: string;
  /** Indices (into the partition's ops) of the longest linearizable prefix found, in order. */
  bestPrefix: number[];
  stateAfterPrefix: S;
  steps: number;
  configurations: number;
}

// Candidate classes, tried in this order at each configuration (the search's phases).
const READS = 0;
const WRITES = 1;
const INFOS = 2;
/** Stack phase of an info op left out; like READS, nothing else is tried at its configuration. */
const OMITTED = 3;

export class PartitionSearch<S> {
  steps = 0;
  private outcome: SearchOutcome<S> | null = null;
  private readonly n: number;
  private readonly inputs: ModelInput[];
  private readonly outputs: ModelOutput[];
  private readonly definite: Uint8Array;
  /** READS, WRITES or INFOS per op. */
  private readonly cls: Uint8Array;
  private readonly firstPhase: number;
  /** Per read op k, rescuers[rescueFrom[k] .. rescueFrom[k + 1]) are the resets that could come before it; null: no pruning. */
  private readonly rescueFrom: Int32Array | null = null;
  private readonly rescuers: Int32Array | null = null;
  private readonly infoCount: number;
  private remaining = 0;
  private readonly zLow: Int32Array;
  private readonly zHigh: Int32Array;
  private readonly list: EntryList;
  private readonly bits: Uint32Array;
  private readonly budget: MemoryBudget;
  private cache: StateCache | null = null;
  private states: StateTable<S> | null = null;
  // The path: which call entry was resolved, in which phase (2: omitted), and the state id before it.
  private readonly stackCall: Int32Array;
  private readonly stackPhase: Uint8Array;
  private readonly stackStateId: Int32Array;
  private depth = 0;
  private stateId = 0;
  private hashLow = 0;
  private hashHigh = 0;
  private phase = 0;
  private entry: number;
  private bestDefinite = -1;
  private bestPrefix: number[] = [];
  private stateAfterPrefix: S;

  constructor(private readonly model: Model<S>, ops: readonly Operation[], options: SearchOptions = {}) {
    const n = (this.n = ops.length);
    this.inputs = ops.map((op) => ({ f: op.f, value: op.input }));
    this.outputs = ops.map((op) => (op.outcome === 'ok' ? (op.output ?? null) : UNKNOWN_OUTPUT));
    this.definite = new Uint8Array(n);
    this.cls = new Uint8Array(n);
    const readOnly = new Set(model.readOnly);
    let infoCount = 0;
    let readCount = 0;
    for (let k = 0; k < n; k++) {
      const op = ops[k]!;
      if (op.outcome === 'ok') {
        this.definite[k] = 1;
        this.remaining++;
        if (readOnly.has(op.f)) { this.cls[k] = READS; readCount++; } else this.cls[k] = WRITES;
      } else { this.cls[k] = INFOS; infoCount++; }
    }
    this.infoCount = infoCount;
    this.firstPhase = readCount > 0 ? READS : WRITES;
    this.phase = this.firstPhase;
    if (model.growsTo !== undefined && model.resetTo !== undefined && readCount > 0) {
      [this.rescueFrom, this.rescuers] = rescueTables(model, ops, this.cls);
    }
    [this.zLow, this.zHigh] = zobristTables(n);
    const infoWindowNs = options.infoWindowNs ?? Infinity;
    this.list = new EntryList(ops.map((op) => ({
      callNs: op.callNs,
      returnNs: op.outcome === 'ok' ? op.returnNs : op.callNs + infoWindowNs,
    })));
    const words = Math.max(1, Math.ceil(n / 32));
    this.bits = new Uint32Array(words);
    this.budget = options.budget ?? new MemoryBudget(Infinity);
    this.stackCall = new Int32Array(n);
    this.stackPhase = new Uint8Array(n);
    this.stackStateId = new Int32Array(n);
    this.entry = this.list.next[this.list.head]!;
    const init = model.init();
    this.stateAfterPrefix = init;
    try {
      this.states = new StateTable<S>(model.equal, model.stateBytes ?? (() => 64), this.budget);
      this.stateId = this.states.intern(init, model.hash(init));
      this.cache = new StateCache(words, this.budget);
    } catch (e) {
      this.finish(this.memoryOutcome(e));
      return;
    }
    this.recordBest();
  }

  private finalConfigurations = 0;

  get configurations(): number {
    return this.cache?.size ?? this.finalConfigurations;
  }

  /** Bytes this search holds in the shared budget. */
  get bytes(): number {
    return (this.cache?.bytes ?? 0) + (this.states?.bytes ?? 0);
  }

  get result(): SearchOutcome<S> | null {
    return this.outcome;
  }

  /** Ends the search as "unknown" (if still running) and gives its memory back. */
  abandon(reason: string): SearchOutcome<S> {
    return this.outcome ?? this.finish({ ...this.partial('unknown'), reason });
  }

  /** Runs up to `maxSteps` more steps; the outcome once decided, else null. */
  run(maxSteps: number): SearchOutcome<S> | null {
    if (this.outcome !== null) return this.outcome;
    try {
      return this.loop(this.steps + maxSteps);
    } catch (e) {
      return this.finish(this.memoryOutcome(e));
    }
  }

  private loop(stopAtSteps: number): SearchOutcome<S> | null {
    const { model, inputs, outputs, definite, cls, firstPhase, zLow, zHigh, list, bits, stackCall, stackPhase, stackStateId, rescueFrom, rescuers } = this;
    const { next, head } = list;
    const cache = this.cache!;
    const states = this.states!;
    const lastPhase = this.infoCount > 0 ? INFOS : WRITES;
    const isStepResult = model.hashAfterStep !== undefined ? model.isStepResult : undefined;
    let { depth, stateId, hashLow, hashHigh, phase, entry, steps, remaining } = this;
    let state = states.state(stateId);
    while (remaining > 0) {
      if (++steps > stopAtSteps) {
        steps--;
        this.save(depth, stateId, hashLow, hashHigh, phase, entry, steps, remaining);
        return null;
      }
      if (entry !== -1 && (entry & 1) === 0) {
        const k = entry >> 1;
        if (cls[k] === phase) {
          const [legal, nextState] = model.step(state, inputs[k]!, outputs[k]!);
          if (legal) {
            const word = k >>> 5;
            const mask = 1 << (k & 31);
            bits[word]! |= mask;
            let nextId = stateId;
            if (nextState !== state) {
              invariant(phase !== READS, `${model.name}: read-only ${inputs[k]!.f} changed the state`);
              if (isStepResult !== undefined) {
                const hash = model.hashAfterStep!(state, states.hashOf(stateId), inputs[k]!);
                nextId = states.find(hash, isStepResult, state, inputs[k]!);
                if (nextId < 0) nextId = states.intern(nextState, hash);
              } else nextId = states.intern(nextState, model.hash(nextState));
            }
            const stateMix = mixHash(nextId + 1);
            if (cache.add(bits, hashLow ^ zLow[k]! ^ stateMix, hashHigh ^ zHigh[k]! ^ Math.imul(nextId + 1, 0x9e3779b1), nextId)) {
              stackCall[depth] = entry;
              stackPhase[depth] = phase;
              stackStateId[depth] = stateId;
              depth++;
              hashLow ^= zLow[k]!;
              hashHigh ^= zHigh[k]!;
              state = nextState;
              stateId = nextId;
              if (definite[k] === 1) remaining--;
              list.lift(entry);
              phase = firstPhase;
              entry = next[head]!;
              continue;
            }
            bits[word]! &= ~mask;
            // The read was the only move here, and where it leads was already explored.
            if (phase === READS) { phase = lastPhase; entry = -1; continue; }
          } else if (phase === READS && rescueFrom !== null && !model.growsTo!(state, outputs[k]!)) {
            let rescuable = false;
            for (let r = rescueFrom[k]!, end = rescueFrom[k + 1]!; r < end; r++) {
              const p = rescuers![r]!;
              if ((bits[p >>> 5]! & (1 << (p & 31))) === 0) { rescuable = true; break; }
            }
            if (!rescuable) { phase = lastPhase; entry = -1; continue; }
          }
        }
        entry = next[entry]!;
        continue;
      }
      // A return entry (or the end): every candidate of this phase has been tried.
      if (phase < lastPhase) {
        phase++;
        entry = next[head]!;
        continue;
      }
      if (phase === INFOS && entry !== -1 && definite[entry >> 1] === 0) {
        const k = entry >> 1;
        const word = k >>> 5;
        const mask = 1 << (k & 31);
        bits[word]! |= mask;
        const stateMix = mixHash(stateId + 1);
        if (cache.add(bits, hashLow ^ zLow[k]! ^ stateMix, hashHigh ^ zHigh[k]! ^ Math.imul(stateId + 1, 0x9e3779b1), stateId)) {
          stackCall[depth] = entry - 1;
          stackPhase[depth] = OMITTED;
          stackStateId[depth] = stateId;
          depth++;
          hashLow ^= zLow[k]!;
          hashHigh ^= zHigh[k]!;
          list.lift(entry - 1);
          phase = firstPhase;
          entry = next[head]!;
          continue;
        }
        bits[word]! &= ~mask;
      }
      // Backtrack. The path is at a local peak here, the only place a longer prefix can appear.
      this.recordBest(depth, remaining, state);
      if (depth === 0) {
        this.save(depth, stateId, hashLow, hashHigh, phase, entry, steps, remaining);
        return this.finish(this.partial(false));
      }
      depth--;
      const call = stackCall[depth]!;
      const k = call >> 1;
      list.unlift(call);
      bits[k >>> 5]! &= ~(1 << (k & 31));
      hashLow ^= zLow[k]!;
      hashHigh ^= zHigh[k]!;
      stateId = stackStateId[depth]!;
      state = states.state(stateId);
      if (definite[k] === 1) remaining++;
      phase = stackPhase[depth]!;
      // A read and an omission are each the only move tried at their configuration.
      if (phase === READS || phase === OMITTED) {
        phase = lastPhase;
        entry = -1;
      } else entry = next[call]!;
    }
    this.save(depth, stateId, hashLow, hashHigh, phase, entry, steps, remaining);
    this.recordBest(depth, remaining, state);
    return this.finish(this.partial(true));
  }

  private save(depth: number, stateId: number, hashLow: number, hashHigh: number, phase: number, entry: number, steps: number, remaining: number): void {
    this.depth = depth;
    this.stateId = stateId;
    this.hashLow = hashLow;
    this.hashHigh = hashHigh;
    this.phase = phase;
    this.entry = entry;
    this.steps = steps;
    this.remaining = remaining;
  }

  private recordBest(depth = this.depth, remaining = this.remaining, state: S = this.states!.state(this.stateId)): void {
    const done = this.n - this.infoCount - remaining;
    if (done <= this.bestDefinite) return;
    this.bestDefinite = done;
    this.bestPrefix = [];
    for (let d = 0; d < depth; d++) if (this.stackPhase[d] !== OMITTED) this.bestPrefix.push(this.stackCall[d]! >> 1);
    this.stateAfterPrefix = state;
  }

  private partial(valid: boolean | 'unknown'): SearchOutcome<S> {
    return { valid, bestPrefix: this.bestPrefix, stateAfterPrefix: this.stateAfterPrefix, steps: this.steps, configurations: this.configurations };
  }

  private memoryOutcome(e: unknown): SearchOutcome<S> {
    if (!(e instanceof MemoryLimitError)) throw e;
    return { ...this.partial('unknown'), reason: e.message };
  }

  private finish(outcome: SearchOutcome<S>): SearchOutcome<S> {
    this.outcome = outcome;
    this.finalConfigurations = this.configurations;
    this.budget.release(this.bytes);
    this.cache = null;
    this.states = null;
    return outcome;
  }
}

/** For each read op, the unresolved resets that could still make it legal: called no later than it returned, leaving a state it can grow from. */
function rescueTables<S>(model: Model<S>, ops: readonly Operation[], cls: Uint8Array): [Int32Array, Int32Array] {
  const resets: { k: number; callNs: number; state: S }[] = [];
  for (let k = 0; k < ops.length; k++) {
    const state = model.resetTo!({ f: ops[k]!.f, value: ops[k]!.input });
    if (state !== null && cls[k] !== READS) resets.push({ k, callNs: ops[k]!.callNs, state });
  }
  const from = new Int32Array(ops.length + 1);
  const list: number[] = [];
  for (let k = 0; k < ops.length; k++) {
    from[k] = list.length;
    if (cls[k] !== READS) continue;
    const output = ops[k]!.output ?? null;
    for (const reset of resets) {
      // Calls sort before returns at equal times (entry-list.ts), so a tie still lets it come first.
      if (reset.callNs <= ops[k]!.returnNs && model.growsTo!(reset.state, output)) list.push(reset.k);
    }
  }
  from[ops.length] = list.length;
  return [from, Int32Array.from(list)];
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
