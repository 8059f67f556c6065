/**
 * Phase 3, trials: the experiment's trial once per trial, each followed by a recovery wait and
 * its measurements (election, unavailability; see chaos/README.md). The first trial that does
 * not recover, a member found not running, or an error ends the phase with an abort reason.
 */
import { recordMs } from '../../../cluster/common/histograms.ts';
import { pairOperations } from '../../../reports/run-files/history-file.ts';
import type { TrialContext, TrialOutcome } from '../../experiments/experiment.ts';
import { findFault } from '../../nemesis/faults/registry.ts';
import { waitForRecovery } from '../recovery-check.ts';
import { sleep, type RunContext } from '../run-context.ts';
import type { TrialRecord } from '../run-types.ts';
import { firstElectionAfter, firstOkCompletionAfter } from '../trial-measures.ts';

/** After recovery, how long a trial waits for a write invoked after the fault to succeed. */
const measureWaitMs = 3000;

/** Unavailability is about writes: appends, and register writes and cas (a read changes nothing). */
const writeFunctions: ReadonlySet<string> = new Set(['append', 'write', 'cas']);

export async function runTrials(ctx: RunContext): Promise<void> {
  const o = ctx.options;
  const view = ctx.target.view;
  try {
    for (let trial = 1; trial <= o.trials; trial++) {
      const down = await ctx.notRunning();
      if (down.length > 0) { ctx.abortReason = `before trial ${trial}: not running: ${down.join(', ')}`; return; }
      const trialCtx: TrialContext = {
        trial, rng: ctx.rng.fork(`trial-${trial}`), nodeIds: ctx.target.nodes.map((n) => n.id), holdMs: o.holdMs,
        recoveryTimeoutMs: o.recoveryTimeoutMs, faults: ctx.faults, view, leader: ctx.leader, waitForLeader: ctx.waitForLeader,
        waitForHealthy: async (ms) => (await waitForRecovery(view, ms)).recovered,
        sleep,
      };
      ctx.metrics.trialStarted(trial);
      const outcome = await o.experiment.trial(trialCtx);
      const recovery = await waitForRecovery(view, o.recoveryTimeoutMs);
      const isolatedLeader = outcome.isolatedLeader && outcome.anchor
        ? { node: outcome.isolatedLeader, faultAtMs: outcome.anchor.appliedAtMs, healedAtMs: outcome.healedAtMs } : undefined;
      const record: TrialRecord = {
        ...await measureTrial(ctx, trial, outcome, recovery.recovered, recovery.waitedMs),
        ...(isolatedLeader ? { isolated: isolatedLeader } : {}),
      };
      ctx.perTrial.push(record);
      ctx.metrics.trialEnded(record.recovered ? 'recovered' : 'not-recovered', record.electionMs, record.unavailabilityMs);
      if (isolatedLeader) ctx.isolated.push({ trial, ...isolatedLeader });
      ctx.log(progressLine(record, o.trials));
      if (!recovery.recovered) { ctx.abortReason = `trial ${trial}: ${recovery.reason}`; return; }
      await sleep(ctx.scheduleRng.int(500, 1000));
    }
  } catch (err) {
    ctx.abortReason = `fault phase failed: ${(err as Error).message}${typeof (err as { code?: unknown }).code === 'string' ? ` (${(err as { code: string }).code})` : ''}`;
  }
}

async function measureTrial(ctx: RunContext, trial: number, outcome: TrialOutcome, recovered: boolean, recoveryMs: number): Promise<TrialRecord> {
  const { anchor, termBefore, note } = outcome;
  let electionMs: number | null = null;
  let newLeader: string | null = null;
  let unavailabilityMs: number | null = null;
  // Measured from when the fault took effect; a fault that takes effect while its request is
  // still out (a transfer: the new leader may be elected before the 202 returns) from the request.
  const faultAtMs = anchor === null ? null
    : outcome.measureFromMs ?? (findFault(anchor.fault.kind)?.effectBeforeReturn ? ctx.requestedAtMs.get(anchor.id) ?? anchor.appliedAtMs : anchor.appliedAtMs);
  if (anchor !== null && faultAtMs !== null) {
    const deadline = Date.now() + measureWaitMs;
    const epochMsOfNs = ctx.clock.epochMsOfNs.bind(ctx.clock);
    const writes = () => pairOperations(ctx.history.events).filter((op) => writeFunctions.has(op.f));
    let done = firstOkCompletionAfter(writes(), faultAtMs, epochMsOfNs);
    while (done === null && Date.now() < deadline) {
      await sleep(50);
      done = firstOkCompletionAfter(writes(), faultAtMs, epochMsOfNs);
    }
    await ctx.poller.pollAll();
    const elected = firstElectionAfter(ctx.poller.events, faultAtMs, termBefore);
    if (elected) { electionMs = elected.atMs - faultAtMs; newLeader = elected.node; recordMs(ctx.election, electionMs); }
    if (done !== null) { unavailabilityMs = done - faultAtMs; recordMs(ctx.unavailability, unavailabilityMs); }
  }
  return {
    trial, fault: anchor?.describe ?? null, faultAtMs, electionMs, newLeader, unavailabilityMs,
    recovered, recoveryMs, expectsElection: outcome.expectsElection ?? false, ...(note !== undefined ? { note } : {}),
  };
}

function progressLine(t: TrialRecord, total: number): string {
  const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);
  return `trial ${t.trial}/${total}  ${t.fault ?? 'no fault'}  election ${ms(t.electionMs)}${t.newLeader ? ` (${t.newLeader})` : ''}` +
    `  unavailable ${ms(t.unavailabilityMs)}  ${t.recovered ? `recovered in ${t.recoveryMs} ms` : 'NOT RECOVERED'}${t.note ? `  [${t.note}]` : ''}`;
}
