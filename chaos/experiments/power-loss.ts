import type { ClusterConfig } from '../../cluster/config.ts';
import { coldStartLiveness } from './liveness-bounds.ts';
import type { Experiment, TrialContext, TrialOutcome } from './experiment.ts';
import { faultTrial } from './fault-trial.ts';

/** What every node needs for power-loss: the sync ledger, and a slow disk that widens the unsynced window. */
export const powerLossEnv = { RAFT_SYNC_LEDGER: '1', RAFT_FSYNC_DELAY_MS: '15' } as const;

/**
 * Power loss: SIGKILL, then every write not fsynced dropped (cluster/storage/power-cut.ts), then
 * start. Per trial the leader (30%), a follower (20%) or the whole cluster (50%, drawn from the
 * seed). Half are whole-cluster cuts because a follower that acknowledged before its disk held
 * the entry loses a committed write only when the leader's durable copy is out of the race too:
 * every node cut, two followers elect among themselves before the old leader is heard.
 */
async function powerLoss(ctx: TrialContext): Promise<TrialOutcome> {
  const r = ctx.rng.next();
  if (r < 0.3) return faultTrial(ctx, { kind: 'power-loss', target: { role: 'leader' } }, { expectNewLeader: true });
  if (r < 0.5) return faultTrial(ctx, { kind: 'power-loss', target: { role: 'follower' } }, { expectNewLeader: false });
  const before = await ctx.leader();
  const applied = await ctx.faults.inject({ kind: 'power-loss', target: { role: 'all' } });
  let startedAtMs = Date.now();
  try {
    const remainingMs = applied.appliedAtMs + Math.min(ctx.holdMs, 1000) - Date.now();
    if (remainingMs > 0) await ctx.sleep(remainingMs);
  } finally {
    startedAtMs = Date.now();
    await ctx.faults.heal(applied);
  }
  const next = await ctx.waitForLeader({ termAbove: before?.term ?? 0, timeoutMs: ctx.recoveryTimeoutMs });
  return {
    anchor: applied, termBefore: before?.term ?? null, healedAtMs: Date.now(), measureFromMs: startedAtMs,
    ...(next === null ? { note: `no leader within ${ctx.recoveryTimeoutMs} ms of the restart` } : {}),
  };
}

export const powerLossExperiment: Experiment = {
  name: 'power-loss',
  summary: 'SIGKILL the leader, a follower or all nodes and drop every unsynced write, then start them',
  defaultTrials: 4,
  defaultHoldMs: 1000,
  needsProxy: false,
  clusterEnv: powerLossEnv,
  // Nodes restarted cold start from tsx: an election after a whole-cluster cut takes a start-up longer.
  liveness: (config: ClusterConfig) => coldStartLiveness(config),
  trial: powerLoss,
};
