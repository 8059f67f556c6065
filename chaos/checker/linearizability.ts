// Linearizability of a history against a model: P-compositional (one search per partition, the
// whole is linearizable iff every part is). The partitions' searches run interleaved in slices of
// steps, as Porcupine runs them in parallel, so the first refutation decides at once instead of
// waiting behind a partition whose search space is huge. Time and memory are bounded: running
// out of either leaves a partition "unknown" with the reason, never a crash.
//
// A partition with info calls is also searched under a stricter rule, interleaved with the exact
// one: an info call takes effect no later than the slowest ok call of the partition took to
// return, or never. A linearization found that way is a linearization, so "true" stands; the
// stricter search keeps calls that never took effect from piling up as candidates.
import { buildCounterexample, impossibleCounterexample } from './counterexample.ts';
import type { Counterexample } from './counterexample.ts';
import { CheckerError } from './errors.ts';
import type { Operation } from '../../reports/run-files/history-ops.ts';
import { MemoryBudget } from './memory-budget.ts';
import { UNKNOWN_OUTPUT } from './model.ts';
import type { Model, Partition } from './model.ts';
import type { CheckResult, Validity } from './verdict.ts';
import { combineValidity } from './verdict.ts';
import { PartitionSearch } from './wgl-search.ts';
import type { SearchOutcome } from './wgl-search.ts';

export interface LinearizabilityOptions {
  /** Wall-clock budget for the whole check; Infinity for none. */
  budgetMs?: number;
  /** Bytes the searches' memos may hold together; past it a partition ends "unknown". */
  maxMemoryBytes?: number;
  /** Monotonic clock in ms, injectable for tests. */
  nowMs?: () => number;
}

export interface LinearizabilityResult extends CheckResult {
  checker: 'linearizable';
  model: string;
  /** Ops searched: fail ops and info calls of read-only functions are left out (they have no effect). */
  opCount: number;
  partitionCount: number;
  /** Keys (null: the unkeyed partition) found not linearizable, and those left undecided. */
  failedKeys: (string | null)[];
  unknownKeys: (string | null)[];
  /** Keys whose search was stopped because another partition was already refuted. */
  abandonedKeys: (string | null)[];
  elapsedMs: number;
  /** Search effort: entries visited and distinct configurations cached. */
  steps: number;
  configurations: number;
  /** Most bytes the memos held at once. */
  peakMemoryBytes: number;
  counterexample?: Counterexample;
}

export const DEFAULT_BUDGET_MS = 60_000;
export const DEFAULT_MAX_MEMORY_BYTES = 512 * 2 ** 20;
/** Steps per turn: small at first so quick refutations come out early, then growing by a quarter (the overshoot past the quickest refutation stays small). */
const FIRST_SLICE_STEPS = 512;
const MAX_SLICE_STEPS = 16_384;

interface Task<S> {
  part: Partition;
  /** The exact search, then (if the partition has info calls) the stricter one. */
  searches: PartitionSearch<S>[];
  outcome: SearchOutcome<S> | null;
  impossible?: Operation;
}

export function checkLinearizable<S>(
  model: Model<S>,
  ops: readonly Operation[],
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  const nowMs = options.nowMs ?? (() => performance.now());
  const startedMs = nowMs();
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const deadlineMs = startedMs + budgetMs;
  const budget = new MemoryBudget(options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES);
  const readOnly = new Set(model.readOnly);
  const relevant: Operation[] = [];
  for (const op of ops) {
    if (op.outcome === 'fail') continue;
    const output = op.outcome === 'ok' ? (op.output ?? null) : UNKNOWN_OUTPUT;
    const problem = model.validate({ f: op.f, value: op.input }, output);
    if (problem !== null) {
      throw new CheckerError('HISTORY_INVALID', `op ${op.id} (process ${op.process}, event ${op.invokeIndex}): ${problem}`);
    }
    if (op.outcome === 'info' && readOnly.has(op.f)) continue;
    relevant.push(op);
  }

  const partitions = model.partition(relevant);
  // A read no sequence of writes explains refutes its partition without a search, and the first
  // such read decides: nothing else is prechecked or searched. Each precheck covers every
  // partition before the next (costlier) one starts.
  let impossibleAt = -1;
  let impossible: Operation | null = null;
  prechecks: for (const find of model.impossibleOps ?? []) {
    for (let i = 0; i < partitions.length; i++) {
      impossible = find(partitions[i]!.ops);
      if (impossible !== null) {
        impossibleAt = i;
        break prechecks;
      }
    }
  }
  const tasks: Task<S>[] = partitions.map((part, i) => {
    if (i === impossibleAt) {
      return { part, searches: [], outcome: { valid: false, bestPrefix: [], stateAfterPrefix: model.init(), steps: 0, configurations: 0 }, impossible: impossible! };
    }
    return { part, searches: impossible === null ? searchesFor(model, part.ops, budget) : [], outcome: null };
  });
  let refuted = impossible !== null;
  let open = refuted ? [] : tasks.filter((t) => !settle(t));
  let timedOut = false;
  let sliceSteps = FIRST_SLICE_STEPS;
  while (open.length > 0 && !refuted && !timedOut) {
    for (const task of open) {
      if (nowMs() >= deadlineMs) { timedOut = true; break; }
      for (const search of task.searches) search.run(sliceSteps);
      if (settle(task) && task.outcome!.valid === false) { refuted = true; break; }
    }
    open = open.filter((t) => t.outcome === null);
    sliceSteps = Math.min(MAX_SLICE_STEPS, Math.ceil(sliceSteps * 1.25));
  }

  const validities: Validity[] = [];
  const failedKeys: (string | null)[] = [];
  const unknownKeys: (string | null)[] = [];
  const abandonedKeys: (string | null)[] = [];
  const memoryReasons = new Set<string>();
  let counterexample: Counterexample | undefined;
  let steps = 0;
  let configurations = 0;
  for (const task of tasks) {
    for (const search of task.searches) {
      steps += search.steps;
      configurations += search.configurations;
    }
    const key = task.part.key;
    if (task.outcome === null) {
      for (const search of task.searches) search.abandon('stopped');
      if (refuted) abandonedKeys.push(key);
      else { unknownKeys.push(key); validities.push('unknown'); }
      continue;
    }
    const outcome = task.outcome;
    validities.push(outcome.valid);
    if (outcome.valid === 'unknown') {
      unknownKeys.push(key);
      if (outcome.reason !== undefined) memoryReasons.add(outcome.reason);
    }
    if (outcome.valid === false) {
      failedKeys.push(key);
      counterexample ??= task.impossible !== undefined
        ? impossibleCounterexample(key, task.part.ops, task.impossible, model.describeState(outcome.stateAfterPrefix))
        : buildCounterexample(key, task.part.ops, outcome.bestPrefix, model.describeState(outcome.stateAfterPrefix));
    }
  }
  const valid = combineValidity(validities);
  const result: LinearizabilityResult = {
    checker: 'linearizable', model: model.name, valid, opCount: relevant.length, partitionCount: partitions.length,
    failedKeys, unknownKeys, abandonedKeys, elapsedMs: nowMs() - startedMs, steps, configurations, peakMemoryBytes: budget.peakBytes,
  };
  if (valid === false) {
    result.reason = `${failedKeys.length} of ${partitions.length} partitions not linearizable`
      + (abandonedKeys.length > 0 ? ` (${abandonedKeys.length} left unfinished: one refutation decides)` : '');
  }
  if (valid === 'unknown') {
    const causes = [...memoryReasons];
    if (timedOut) causes.unshift(`budget exhausted (${budgetMs} ms)`);
    result.reason = `${causes.join('; ')} with ${unknownKeys.length} of ${partitions.length} partitions undecided`;
  }
  if (counterexample !== undefined) result.counterexample = counterexample;
  return result;
}

function searchesFor<S>(model: Model<S>, ops: readonly Operation[], budget: MemoryBudget): PartitionSearch<S>[] {
  let slowestOkNs = -1;
  let hasInfo = false;
  for (const op of ops) {
    if (op.outcome === 'ok') slowestOkNs = Math.max(slowestOkNs, op.returnNs - op.callNs);
    else hasInfo = true;
  }
  const exact = new PartitionSearch(model, ops, { budget });
  if (!hasInfo || slowestOkNs < 0) return [exact];
  return [exact, new PartitionSearch(model, ops, { budget, infoWindowNs: slowestOkNs })];
}

/** Decides the task if its searches allow; true once decided. */
function settle<S>(task: Task<S>): boolean {
  if (task.outcome !== null) return true;
  const [exact, quick] = task.searches as [PartitionSearch<S>, PartitionSearch<S> | undefined];
  const exactResult = exact.result;
  const quickResult = quick?.result ?? null;
  if (exactResult !== null && exactResult.valid !== 'unknown') task.outcome = exactResult;
  else if (quickResult?.valid === true) task.outcome = quickResult;
  // The exact search gave up (memory) and the stricter one cannot refute: nothing left to learn.
  else if (exactResult !== null && (quick === undefined || quickResult !== null)) task.outcome = exactResult;
  if (task.outcome === null) return false;
  exact.abandon('decided');
  quick?.abandon('decided');
  return true;
}
