// Linearizability of a history against a model: P-compositional (one search per partition, the
// whole is linearizable iff every part is) with a shared time budget after which the verdict is
// "unknown".
//
// A partition with info calls is first searched under a stricter rule: an info call takes effect
// no later than the slowest ok call of the partition took to return, or never. Any linearization
// found that way is a linearization, so "true" stands; the stricter search keeps calls that never
// took effect from piling up as candidates (each a branch at every step after them). Only if it
// fails is the exact search (info may take effect at any later time) run with what budget is left.
import { buildCounterexample } from './counterexample.ts';
import type { Counterexample } from './counterexample.ts';
import { CheckerError } from './errors.ts';
import type { Operation } from './history.ts';
import { UNKNOWN_OUTPUT } from './model.ts';
import type { Model } from './model.ts';
import type { CheckResult, Validity } from './verdict.ts';
import { combineValidity } from './verdict.ts';
import { searchPartition } from './wgl-search.ts';
import type { SearchOutcome } from './wgl-search.ts';

export interface LinearizabilityOptions {
  /** Wall-clock budget for the whole check; Infinity for none. */
  budgetMs?: number;
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
  elapsedMs: number;
  /** Search effort: entries visited and distinct configurations cached. */
  steps: number;
  configurations: number;
  counterexample?: Counterexample;
}

export const DEFAULT_BUDGET_MS = 60_000;

export function checkLinearizable<S>(
  model: Model<S>,
  ops: readonly Operation[],
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  const nowMs = options.nowMs ?? (() => performance.now());
  const startedMs = nowMs();
  const deadlineMs = startedMs + (options.budgetMs ?? DEFAULT_BUDGET_MS);
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
  const validities: Validity[] = [];
  const failedKeys: (string | null)[] = [];
  const unknownKeys: (string | null)[] = [];
  let counterexample: Counterexample | undefined;
  let steps = 0;
  let configurations = 0;
  for (const part of partitions) {
    // Once out of budget, later partitions are unknown without trying; an earlier false still wins.
    if (nowMs() >= deadlineMs) {
      validities.push('unknown');
      unknownKeys.push(part.key);
      continue;
    }
    const outcome = searchWithInfoShortcut(model, part.ops, deadlineMs, nowMs);
    steps += outcome.steps;
    configurations += outcome.configurations;
    validities.push(outcome.valid);
    if (outcome.valid === 'unknown') unknownKeys.push(part.key);
    if (outcome.valid === false) {
      failedKeys.push(part.key);
      counterexample ??= buildCounterexample(part.key, part.ops, outcome.bestPrefix, model.describeState(outcome.stateAfterPrefix));
    }
  }
  const valid = combineValidity(validities);
  const result: LinearizabilityResult = {
    checker: 'linearizable', model: model.name, valid, opCount: relevant.length, partitionCount: partitions.length,
    failedKeys, unknownKeys, elapsedMs: nowMs() - startedMs, steps, configurations,
  };
  if (valid === false) result.reason = `${failedKeys.length} of ${partitions.length} partitions not linearizable`;
  if (valid === 'unknown') result.reason = `budget exhausted with ${unknownKeys.length} of ${partitions.length} partitions undecided`;
  if (counterexample !== undefined) result.counterexample = counterexample;
  return result;
}

function searchWithInfoShortcut<S>(model: Model<S>, ops: readonly Operation[], deadlineMs: number, nowMs: () => number): SearchOutcome<S> {
  let slowestOkNs = -1;
  let hasInfo = false;
  for (const op of ops) {
    if (op.outcome === 'ok') slowestOkNs = Math.max(slowestOkNs, op.returnNs - op.callNs);
    else hasInfo = true;
  }
  if (!hasInfo || slowestOkNs < 0) return searchPartition(model, ops, { deadlineMs, nowMs });
  const startMs = nowMs();
  // Half of what is left, so that a failed shortcut still leaves the exact search room.
  const shortcutDeadlineMs = startMs + (deadlineMs - startMs) / 2;
  const quick = searchPartition(model, ops, { deadlineMs: shortcutDeadlineMs, nowMs, infoWindowNs: slowestOkNs });
  if (quick.valid === true) return quick;
  const exact = searchPartition(model, ops, { deadlineMs, nowMs });
  return { ...exact, steps: exact.steps + quick.steps, configurations: exact.configurations + quick.configurations };
}
