// Liveness, judged: an experiment declares how long an election and the clients' wait may take
// after its fault; a trial over the bound, or a leader fault after which no new leader was seen,
// makes the check `unknown` (the run did not show the cluster recovers as it claims), never
// `invalid` (no safety property broke) and never a silent `valid`.
import type { CheckResult } from './verdict.ts';

export interface LivenessBounds {
  /** Most ms from the fault to the next leader's election, per trial. */
  readonly electionMsMax?: number;
  /** Most ms from the fault to the first successful write invoked after it, per trial. */
  readonly unavailabilityMsMax?: number;
}

export interface TrialLiveness {
  readonly trial: number;
  /** True when the trial's fault should cause an election (it hit the leader). */
  readonly expectsElection: boolean;
  readonly electionMs: number | null;
  readonly unavailabilityMs: number | null;
}

export function checkLiveness(trials: readonly TrialLiveness[], bounds: LivenessBounds): CheckResult & { bounds: LivenessBounds; overBound: number } {
  const over: string[] = [];
  for (const t of trials) {
    if (bounds.electionMsMax !== undefined) {
      if (t.expectsElection && t.electionMs === null) over.push(`trial ${t.trial}: no new leader was elected`);
      else if (t.electionMs !== null && t.electionMs > bounds.electionMsMax) over.push(`trial ${t.trial}: election took ${Math.round(t.electionMs)} ms (bound ${bounds.electionMsMax} ms)`);
    }
    if (bounds.unavailabilityMsMax !== undefined) {
      if (t.unavailabilityMs === null) over.push(`trial ${t.trial}: no write succeeded after the fault`);
      else if (t.unavailabilityMs > bounds.unavailabilityMsMax) over.push(`trial ${t.trial}: writes unavailable for ${Math.round(t.unavailabilityMs)} ms (bound ${bounds.unavailabilityMsMax} ms)`);
    }
  }
  const base = { checker: 'liveness', bounds, overBound: over.length };
  if (over.length === 0) return { ...base, valid: true };
  return { ...base, valid: 'unknown', reason: `${over.length} of ${trials.length} trial(s) outside the experiment's liveness bounds: ${over.slice(0, 5).join('; ')}${over.length > 5 ? '; …' : ''}` };
}
