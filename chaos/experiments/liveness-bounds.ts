// The liveness an experiment may expect of this cluster after one fault, from its configuration:
// an election within a few election timeouts (a split vote or two included), and a write through
// the gateway within that plus one failover deadline. Loose on purpose: the check must not cry
// wolf on a loaded machine, and a bug that stalls recovery still lands far outside.
import type { ClusterConfig } from '../../cluster/config.ts';
import type { LivenessBounds } from '../checker/liveness.ts';

export function defaultLiveness(config: ClusterConfig): LivenessBounds {
  // 5 s at the default timeouts: a loaded 2-core machine measured elections up to ~2 s and
  // cold-ish ones near 6 s; a stalled recovery (no leader for many seconds) is still far outside.
  const electionMsMax = Math.max(5000, 15 * config.raft.electionTimeoutMsMax);
  return { electionMsMax, unavailabilityMsMax: electionMsMax + config.gateway.failoverDeadlineMs + 2000 };
}

/** For trials measured from a cold start of nodes (a tsx process takes seconds to listen on a loaded machine). */
export function coldStartLiveness(config: ClusterConfig): LivenessBounds {
  const d = defaultLiveness(config);
  // A node process starts in a few seconds on a quiet machine and took 20 s on a loaded one.
  const slackMs = 30_000;
  return { electionMsMax: (d.electionMsMax ?? 0) + slackMs, unavailabilityMsMax: (d.unavailabilityMsMax ?? 0) + slackMs };
}
