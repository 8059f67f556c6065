/** Size of a majority of `voters` (§5.2). */
export function quorumSize(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/** The highest index replicated on a majority, given every voter's match index. */
export function majorityMatch(matches: readonly number[]): number {
  const sorted = [...matches].sort((a, b) => b - a);
  return sorted[quorumSize(matches.length) - 1] ?? 0;
}

export type VoteOutcome = 'won' | 'lost' | 'pending';

export function tallyVotes(votes: ReadonlyMap<string, boolean>, voters: number): VoteOutcome {
  let granted = 0;
  let rejected = 0;
  for (const v of votes.values()) v ? granted++ : rejected++;
  const q = quorumSize(voters);
  if (granted >= q) return 'won';
  if (rejected >= q) return 'lost';
  return 'pending';
}
