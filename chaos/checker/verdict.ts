/** Jepsen's three-valued verdict: "unknown" when a checker could not decide (e.g. ran out of budget). */
export type Validity = true | false | 'unknown';

export interface CheckResult {
  /** Which checker produced this, e.g. "linearizable", "stats". */
  checker: string;
  valid: Validity;
  /** Short human-readable explanation when valid is not true. */
  reason?: string;
  counterexample?: unknown;
}

/** false if any is false, else unknown if any is unknown, else true (vacuously true for none). */
export function combineValidity(validities: readonly Validity[]): Validity {
  if (validities.includes(false)) return false;
  if (validities.includes('unknown')) return 'unknown';
  return true;
}

export interface CombinedVerdict {
  valid: Validity;
  results: Record<string, CheckResult>;
}

/** Keys results by checker name; two results with the same name are a caller bug. */
export function combineResults(results: readonly CheckResult[]): CombinedVerdict {
  const byName: Record<string, CheckResult> = {};
  for (const r of results) {
    if (r.checker in byName) throw new Error(`checker invariant violated: two results named ${r.checker}`);
    byName[r.checker] = r;
  }
  return { valid: combineValidity(results.map((r) => r.valid)), results: byName };
}
