// A sequential specification as data: the linearizability search only ever calls these functions,
// so a new workload needs a new model, not a new checker.
import type { Operation, Value } from '../../reports/run-files/history-ops.ts';

/** The output of a call whose outcome is unknown (info): the model must accept any result. */
export const UNKNOWN_OUTPUT: unique symbol = Symbol('unknown output');
export type ModelOutput = Value | typeof UNKNOWN_OUTPUT;

export interface ModelInput {
  f: string;
  value: Value;
}

export interface Partition {
  /** null when the model does not split its history. */
  key: string | null;
  ops: Operation[];
}

export interface Model<S> {
  name: string;
  /**
   * Functions that never change state. An info call of one can be dropped: it may have observed
   * anything, and omitting it changes nothing for the others.
   */
  readOnly: readonly string[];
  /** Why this call cannot be given to step (bad f or malformed value), or null. Checked up front. */
  validate(input: ModelInput, output: ModelOutput): string | null;
  init(): S;
  /** [legal, next state]. Must not mutate `state`: the search keeps old states to backtrack. */
  step(state: S, input: ModelInput, output: ModelOutput): [boolean, S];
  equal(a: S, b: S): boolean;
  /** 32-bit hash, consistent with equal. */
  hash(state: S): number;
  /**
   * Optional, together: hash of step's new state from the old state's hash, and whether a kept
   * state equals that new state. Lets the search find a state it already holds without reading
   * the whole new one (a kv append's result is a fresh long string to hash and then discard).
   */
  hashAfterStep?(state: S, stateHash: number, input: ModelInput): number;
  isStepResult?(candidate: S, state: S, input: ModelInput): boolean;
  /**
   * Optional, together: states only grow under every write but the resetting ones (kv: appends
   * grow the value, a put resets it). `growsTo`: whether some sequence of growing steps from
   * `state` gives a state where a read with this output is legal. `resetTo`: the state a resetting
   * write leaves, or null for a growing one. The search drops a configuration where a pending
   * read can no longer become legal (sound: only when no write left could make it so).
   */
  growsTo?(state: S, output: ModelOutput): boolean;
  resetTo?(input: ModelInput): S | null;
  /** Estimated bytes one kept state holds, for the search's memory limit (default 64). */
  stateBytes?(state: S): number;
  /**
   * Prechecks: each names an ok op of a partition whose output no sequence of the partition's
   * calls could give (a read of a value never written, or one missing a write that returned
   * before the read began), or null. Sound only: never names a possible op. Refutes at once what
   * the search could only refute after exhausting every order before that op. Each runs over
   * every partition before the next one starts, so the cheapest comes first.
   */
  impossibleOps?: readonly ((ops: readonly Operation[]) => Operation | null)[];
  /** Independent sub-histories (P-compositionality): the whole is linearizable iff every part is. */
  partition(ops: Operation[]): Partition[];
  describeState(state: S): string;
}

/** Splits by `key`; ops without a key form their own partition. Order inside a part is kept. */
export function partitionByKey(ops: Operation[]): Partition[] {
  const byKey = new Map<string | null, Operation[]>();
  for (const op of ops) {
    const key = op.key ?? null;
    let list = byKey.get(key);
    if (list === undefined) byKey.set(key, (list = []));
    list.push(op);
  }
  return [...byKey].map(([key, list]) => ({ key, ops: list }));
}

export function hashString(s: string): number {
  return continueHashString(0x811c9dc5, s);
}

/** FNV-1a (32-bit) of a string whose first part hashed to `h`, over its remaining part `s`. */
export function continueHashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hash of a scalar register value; structured values go through their JSON text. */
export function hashValue(v: Value): number {
  if (v === null) return 0x9e3779b9;
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 31) return Math.imul(v | 0, 0x85ebca6b) >>> 0 ^ 0x1b873593;
    return hashString(String(v));
  }
  if (typeof v === 'string') return hashString(v);
  return hashString(JSON.stringify(v));
}

export { describeValue } from '../../reports/run-files/counterexample-text.ts';
