/**
 * The chaos runner: one experiment, one run folder. Phases, in order:
 *   steady state -> load -> faults (the experiment's trials) -> heal -> recovery -> check -> store
 * Faults are healed on every path out of the fault phase (the nemesis's ledger covers the
 * paths this process does not survive). The verdict is Jepsen's: valid / invalid (a safety
 * check failed) / unknown (the run could not decide, e.g. the cluster never recovered).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { createLatencyHistogram, encodeHistogram, percentileTable, recordMs, type Histogram } from '../bench/histograms.ts';
import { repoRoot, type ClusterConfig } from '../cluster/config.ts';
import { Rng } from '../cluster/sim/rng.ts';
import { pairOperations, writeHistoryJsonl } from './checker/history.ts';
import { DEFAULT_BUDGET_MS } from './checker/linearizability.ts';
import { checkRun, exitCodeOf, type FinalLogs, type Verdict } from './checker/run-checks.ts';
import type { CheckResult } from './checker/verdict.ts';
import type { ClusterView } from './cluster-view.ts';
import type { Experiment, FaultControl, LeaderInfo, TrialContext } from './experiments/experiment.ts';
import type { AppliedFault } from './nemesis/fault.ts';
import type { Runtime } from './runtime/runtime.ts';
import { readCommittedLog, readRecord, type CommittedLog } from './runner/final-logs.ts';
import { NodeEventPoller, type NodeEndpoint } from './runner/node-event-poller.ts';
import { waitForRecovery } from './runner/recovery-check.ts';
import { createRunFolder, gitState, writeJson, writeJsonl } from './runner/run-folder.ts';
import type { IsolatedTrial } from './checker/deposed-leader.ts';
import { firstElectionAfter, firstOkCompletionAfter } from './runner/trial-measures.ts';
import { AppendWorkload, type WorkloadCounts } from './workload/append-workload.ts';
import { HistoryRecorder } from './workload/history-recorder.ts';
import { RegisterWorkload } from './workload/register-workload.ts';
import { RunClock } from './workload/run-clock.ts';

export interface RunTarget {
  readonly config: ClusterConfig;
  readonly runtime: Runtime;
  readonly view: ClusterView;
  readonly nemesis: FaultControl & { healAll(): Promise<{ readonly failed: readonly { describe: string; errors: readonly string[] }[] }> };
  readonly gatewayUrl: string;
  /** Direct node URLs (the control path, never through a proxy). */
  readonly nodes: readonly NodeEndpoint[];
}

export interface RunOptions {
  readonly experiment: Experiment;
  readonly trials: number;
  readonly seed: number;
  readonly rateRps: number;
  readonly holdMs: number;
  readonly concurrencyMax: number;
  /** Per trial and at the end: how long the cluster may take to be healthy again. */
  readonly recoveryTimeoutMs: number;
  readonly runsDir: string;
  readonly log: (line: string) => void;
  /** Stored in run.json as is (e.g. whether the CLI started the cluster). */
  readonly runInfo?: Readonly<Record<string, unknown>>;
  /** Which workloads run side by side, each open loop at `rateRps`; default both. */
  readonly workload?: WorkloadChoice;
  /** Register workload: concurrent clients (default 5) and keys (default 3). */
  readonly registerClients?: number;
  readonly registerKeys?: number;
  /** UNSAFE demo: register reads `?stale=true` straight from the nodes in turn (not linearizable). */
  readonly unsafeStaleReads?: boolean;
  /** Budget of the linearizability search; past it that check is unknown. */
  readonly checkBudgetMs?: number;
}

export type WorkloadChoice = 'append' | 'register' | 'both';
export type { Verdict };

export interface Quantiles { readonly count: number; readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number }

export interface TrialRecord {
  readonly trial: number;
  readonly fault: string | null;
  readonly faultAtMs: number | null;
  readonly electionMs: number | null;
  readonly newLeader: string | null;
  readonly unavailabilityMs: number | null;
  readonly recovered: boolean;
  readonly recoveryMs: number;
  readonly note?: string;
  /** A trial that cut the leader off: the deposed-leader check's input (stored so a re-check can judge it). */
  readonly isolated?: { readonly node: string; readonly faultAtMs: number; readonly healedAtMs: number };
}

export interface RunResults {
  readonly verdict: Verdict;
  readonly reason: string | null;
  readonly experiment: string;
  readonly seed: number;
  readonly trials: number;
  readonly trialsPlanned: number;
  readonly electionMs: Quantiles;
  readonly unavailabilityMs: Quantiles;
  readonly writeLatencyMs: Quantiles;
  /** Both workloads' calls together (the append writer's alone before the register workload existed). */
  readonly workload: WorkloadCounts;
  readonly workloads: { readonly append?: WorkloadCounts; readonly register?: WorkloadCounts };
  readonly checks: Record<string, CheckResult>;
  /** Wall-clock ms the checks took (no network reads included). */
  readonly checkMs: number;
  readonly perTrial: readonly TrialRecord[];
}

export interface RunOutcome {
  readonly verdict: Verdict;
  readonly exitCode: 0 | 1 | 2;
  readonly runDir: string;
  readonly results: RunResults;
}

const steadyTimeoutMs = 10_000;
const warmupMs = 1000;
/** After recovery, how long a trial waits for a write invoked after the fault to succeed. */
const measureWaitMs = 3000;
const compactedReadConcurrency = 16;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function quantiles(h: Histogram): Quantiles {
  const t = percentileTable(h);
  return { count: t.count, p50: t.p50Ms, p90: t.p90Ms, p99: t.p99Ms, max: t.maxMs };
}

export async function runExperiment(target: RunTarget, o: RunOptions): Promise<RunOutcome> {
  const clock = new RunClock();
  const startedAtMs = Date.now();
  const runDir = createRunFolder(o.runsDir, o.experiment.name, startedAtMs);
  const rng = new Rng(o.seed);
  const scheduleRng = rng.fork('schedule');
  const clientId = `chaos-${startedAtMs.toString(36)}-${o.seed.toString(36)}`;
  const workloadChoice = o.workload ?? 'both';
  const registerClients = o.registerClients ?? 5;
  // Keys carry the clientId: every register starts as nil, as the model assumes, even on a reused cluster.
  const registerKeys = Array.from({ length: o.registerKeys ?? 3 }, (_, i) => `${clientId}-k${i}`);
  const unsafeStaleReads = o.unsafeStaleReads ?? false;
  const checkBudgetMs = o.checkBudgetMs ?? DEFAULT_BUDGET_MS;
  writeJson(runDir, 'run.json', {
    experiment: o.experiment.name, seed: o.seed, trials: o.trials, rateRps: o.rateRps, holdMs: o.holdMs,
    concurrencyMax: o.concurrencyMax, recoveryTimeoutMs: o.recoveryTimeoutMs, clientId,
    startedAt: new Date(startedAtMs).toISOString(), historyOriginEpochMs: clock.originEpochMs,
    workload: workloadChoice, registerKeys, registerClients, unsafeStaleReads, checkBudgetMs,
    runtime: target.runtime.kind, git: gitState(),
    versions: { project: projectVersion(), node: process.version, platform: `${platform()}-${arch()}` },
    cluster: { nodes: target.nodes, gatewayUrl: target.gatewayUrl, config: target.config },
    ...o.runInfo,
  });

  const faultLog: Record<string, unknown>[] = [];
  /** When each fault was asked for: a leadership transfer completes before its request returns. */
  const requestedAtMs = new Map<string, number>();
  const faults: FaultControl = {
    inject: async (fault) => {
      const askedAtMs = Date.now();
      const applied = await target.nemesis.inject(fault);
      requestedAtMs.set(applied.id, askedAtMs);
      faultLog.push({ type: 'fault', phase: 'inject', atMs: applied.appliedAtMs, id: applied.id, describe: applied.describe, nodes: applied.nodes, fault, ...(applied.grudge ? { grudge: applied.grudge } : {}) });
      return applied;
    },
    heal: async (applied) => {
      const out = await target.nemesis.heal(applied);
      faultLog.push({ type: 'fault', phase: 'heal', atMs: Date.now(), id: applied.id, describe: applied.describe });
      return out;
    },
  };

  const election = createLatencyHistogram();
  const unavailability = createLatencyHistogram();
  const perTrial: TrialRecord[] = [];
  const isolated: IsolatedTrial[] = [];
  const poller = new NodeEventPoller(target.nodes);
  const history = new HistoryRecorder(clock);
  const callTimeoutMs = target.config.gateway.failoverDeadlineMs + 2000;
  const workload = new AppendWorkload({
    gatewayUrl: target.gatewayUrl, rateRps: o.rateRps, concurrencyMax: o.concurrencyMax,
    timeoutMs: callTimeoutMs, clientId, rng: rng.fork('workload'), clock, history,
  });
  const register = new RegisterWorkload({
    gatewayUrl: target.gatewayUrl, rateRps: o.rateRps, clients: registerClients, keys: registerKeys,
    timeoutMs: callTimeoutMs, clientId, rng: rng.fork('register'), history,
    ...(unsafeStaleReads ? { staleReadNodes: target.nodes } : {}),
  });
  const runAppend = workloadChoice !== 'register';
  const runRegister = workloadChoice !== 'append';
  let abortReason: string | null = null;
  let finalLogs: CommittedLog[] = [];
  let finalLeader: string | null = null;
  const extraChecks: CheckResult[] = [];

  const leader = async (): Promise<LeaderInfo | null> => {
    const statuses = await target.view.statuses();
    const maxTerm = Math.max(-1, ...statuses.map((s) => s.term ?? -1));
    const l = statuses.find((s) => s.state === 'LEADER' && s.term === maxTerm);
    return l ? { id: l.id, term: l.term! } : null;
  };
  const waitForLeader: TrialContext['waitForLeader'] = async ({ notOn = [], termAbove = -1, timeoutMs = o.recoveryTimeoutMs }) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const l = await leader();
      if (l && !notOn.includes(l.id) && l.term > termAbove) return l;
      if (Date.now() >= deadline) return null;
      // Polling only gates the hold time (elections are timed from the nodes' events), so it
      // can be slow enough not to load the nodes while they elect.
      await sleep(50);
    }
  };

  // Every member must be running as this runtime knows it: a node URL answered by some other
  // process (another cluster that took the port) would otherwise pass every status check.
  const notRunning = async (): Promise<string[]> =>
    (await target.runtime.list()).filter((m) => m.state !== 'running').map((m) => `${m.name} ${m.state}`);

  // ---- steady state
  o.log(`steady state: waiting for one leader and a healthy cluster (${steadyTimeoutMs} ms)`);
  const steady = await waitForRecovery(target.view, steadyTimeoutMs);
  const downAtStart = await notRunning();
  if (!steady.recovered) abortReason = `steady state not reached: ${steady.reason}`;
  else if (downAtStart.length > 0) abortReason = `steady state not reached: not running: ${downAtStart.join(', ')}`;
  else {
    const probe = await probeWrite(target.gatewayUrl, `${clientId}-probe`);
    if (probe !== null) abortReason = `steady state not reached: a probe write failed: ${probe}`;
  }

  if (abortReason === null) {
    await poller.start(startedAtMs);
    if (runAppend) {
      workload.start();
      o.log(`load: ${o.rateRps} appends/s open loop through ${target.gatewayUrl}, up to ${o.concurrencyMax} concurrent`);
    }
    if (runRegister) {
      register.start();
      o.log(`load: ${o.rateRps} register ops/s (read/write/cas) on ${registerKeys.length} keys, ${registerClients} clients` +
        (unsafeStaleReads ? ' — UNSAFE: reads ?stale=true straight from the nodes in turn' : ' through the gateway'));
    }
    try {
      await sleep(warmupMs);
      for (let trial = 1; trial <= o.trials; trial++) {
        const down = await notRunning();
        if (down.length > 0) { abortReason = `before trial ${trial}: not running: ${down.join(', ')}`; break; }
        const ctx: TrialContext = {
          trial, rng: rng.fork(`trial-${trial}`), nodeIds: target.nodes.map((n) => n.id), holdMs: o.holdMs,
          recoveryTimeoutMs: o.recoveryTimeoutMs, faults, view: target.view, leader, waitForLeader,
          waitForHealthy: async (ms) => (await waitForRecovery(target.view, ms)).recovered,
          sleep,
        };
        const outcome = await o.experiment.trial(ctx);
        const recovery = await waitForRecovery(target.view, o.recoveryTimeoutMs);
        const isolatedLeader = outcome.isolatedLeader && outcome.anchor
          ? { node: outcome.isolatedLeader, faultAtMs: outcome.anchor.appliedAtMs, healedAtMs: outcome.healedAtMs } : undefined;
        const record = { ...await measureTrial(trial, outcome.anchor, outcome.termBefore, recovery.recovered, recovery.waitedMs, outcome.note), ...(isolatedLeader ? { isolated: isolatedLeader } : {}) };
        perTrial.push(record);
        if (isolatedLeader) isolated.push({ trial, ...isolatedLeader });
        o.log(progressLine(record, o.trials));
        if (!recovery.recovered) { abortReason = `trial ${trial}: ${recovery.reason}`; break; }
        await sleep(scheduleRng.int(500, 1000));
      }
    } catch (err) {
      abortReason = `fault phase failed: ${(err as Error).message}${typeof (err as { code?: unknown }).code === 'string' ? ` (${(err as { code: string }).code})` : ''}`;
    } finally {
      // ---- heal: whatever happened above, nothing stays injected
      await Promise.all([workload.stop(), register.stop()]);
      const healed = await target.nemesis.healAll().catch((err: unknown) => ({ failed: [{ describe: 'heal all', errors: [(err as Error).message] }] }));
      if (healed.failed.length > 0) abortReason ??= `could not heal: ${healed.failed.map((f) => `${f.describe}: ${f.errors.join('; ')}`).join(', ')}`;
    }

    // ---- recovery
    const recovered = await waitForRecovery(target.view, o.recoveryTimeoutMs);
    o.log(recovered.recovered ? `recovery: leader ${recovered.leader} (term ${recovered.term}), every node applied ${recovered.commitIndex} after ${recovered.waitedMs} ms` : `recovery: ${recovered.reason}`);
    if (!recovered.recovered) abortReason ??= `cluster did not recover: ${recovered.reason}`;
    await poller.stop();
    const left = await notRunning();
    extraChecks.push(left.length === 0
      ? { checker: 'cluster-restored', valid: true }
      : { checker: 'cluster-restored', valid: 'unknown', reason: `left not running: ${left.join(', ')}` });

    // ---- final reads
    try {
      finalLogs = await Promise.all(target.nodes.map((n) => readCommittedLog(n)));
      finalLeader = recoveredLeader(finalLogs, await target.view.leader());
    } catch (err) {
      extraChecks.push({ checker: 'final-reads', valid: 'unknown', reason: (err as Error).message });
    }
  }
  await Promise.all([workload.close(), register.close()]);

  // ---- final state the checks need beyond the history, stored so `just check` can judge again
  let stored: FinalLogs | null = null;
  if (finalLogs.length > 0) {
    try {
      const compacted = await compactedRecords(pairOperations(history.events), finalLogs, target.nodes, finalLeader);
      stored = { leader: finalLeader, logs: finalLogs, compacted: [...compacted] };
    } catch (err) {
      // The leader could not say what compacted entries held: lost-writes cannot decide.
      stored = { leader: finalLeader, logs: finalLogs, compacted: [], compactedError: (err as Error).message };
    }
    // One line: three copies of every committed entry; indentation would double the file.
    writeFileSync(join(runDir, 'final-logs.json'), `${JSON.stringify(stored)}\n`);
  }

  // ---- check
  const runtimeChecks: CheckResult[] = [...extraChecks];
  if (abortReason !== null) runtimeChecks.push({ checker: 'run-completed', valid: 'unknown', reason: abortReason });
  const checked = checkRun({
    history: history.events, clientId, historyOriginEpochMs: clock.originEpochMs, finalLogs: stored,
    nodeEvents: poller.events, isolated, runtimeChecks, linearizabilityBudgetMs: checkBudgetMs,
  });
  o.log(`check: ${Object.keys(checked.checks).join(', ')} in ${checked.checkMs} ms`);
  const verdict = checked.verdict;

  // ---- store
  const appendCounts = workload.stats();
  const registerCounts = register.stats();
  const results: RunResults = {
    verdict, reason: checked.reason,
    experiment: o.experiment.name, seed: o.seed, trials: perTrial.length, trialsPlanned: o.trials,
    electionMs: quantiles(election), unavailabilityMs: quantiles(unavailability), writeLatencyMs: quantiles(workload.latency),
    workload: sumCounts(runAppend ? appendCounts : null, runRegister ? registerCounts : null),
    workloads: { ...(runAppend ? { append: appendCounts } : {}), ...(runRegister ? { register: registerCounts } : {}) },
    checks: checked.checks, checkMs: checked.checkMs, perTrial,
  };
  writeHistoryJsonl(join(runDir, 'history.jsonl'), history.events);
  writeJsonl(runDir, 'events.jsonl', [...faultLog, ...perTrial.map((t) => ({ type: 'trial', atMs: t.faultAtMs, ...t })), ...poller.sorted().map((e) => ({ type: 'node', atMs: e.ts, ...e }))]
    .sort((a, b) => ((a.atMs as number | null) ?? 0) - ((b.atMs as number | null) ?? 0)));
  writeJson(runDir, 'histograms.json', {
    unit: 'microseconds', encoding: 'HdrHistogram compressed base64',
    electionMs: encodeHistogram(election), unavailabilityMs: encodeHistogram(unavailability), writeLatencyMs: encodeHistogram(workload.latency),
  });
  writeJson(runDir, 'results.json', results);
  return { verdict, exitCode: exitCodeOf(verdict), runDir, results };

  async function measureTrial(trial: number, anchor: AppliedFault | null, termBefore: number | null, recovered: boolean, recoveryMs: number, note?: string): Promise<TrialRecord> {
    let electionMs: number | null = null;
    let newLeader: string | null = null;
    let unavailabilityMs: number | null = null;
    // Measured from when the fault took effect; a transfer takes effect while its request is
    // still out (the new leader may be elected before the 202 returns), so from the request.
    const faultAtMs = anchor === null ? null : anchor.fault.kind === 'transfer-leadership' ? requestedAtMs.get(anchor.id) ?? anchor.appliedAtMs : anchor.appliedAtMs;
    if (anchor !== null && faultAtMs !== null) {
      const deadline = Date.now() + measureWaitMs;
      const writes = () => pairOperations(history.events).filter((op) => writeFunctions.has(op.f));
      let done = firstOkCompletionAfter(writes(), faultAtMs, clock.epochMsOfNs.bind(clock));
      while (done === null && Date.now() < deadline) {
        await sleep(50);
        done = firstOkCompletionAfter(writes(), faultAtMs, clock.epochMsOfNs.bind(clock));
      }
      await poller.pollAll();
      const elected = firstElectionAfter(poller.events, faultAtMs, termBefore);
      if (elected) { electionMs = elected.atMs - faultAtMs; newLeader = elected.node; recordMs(election, electionMs); }
      if (done !== null) { unavailabilityMs = done - faultAtMs; recordMs(unavailability, unavailabilityMs); }
    }
    return {
      trial, fault: anchor?.describe ?? null, faultAtMs, electionMs, newLeader, unavailabilityMs,
      recovered, recoveryMs, ...(note !== undefined ? { note } : {}),
    };
  }
}

function projectVersion(): string | null {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

function progressLine(t: TrialRecord, total: number): string {
  const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);
  return `trial ${t.trial}/${total}  ${t.fault ?? 'no fault'}  election ${ms(t.electionMs)}${t.newLeader ? ` (${t.newLeader})` : ''}` +
    `  unavailable ${ms(t.unavailabilityMs)}  ${t.recovered ? `recovered in ${t.recoveryMs} ms` : 'NOT RECOVERED'}${t.note ? `  [${t.note}]` : ''}`;
}

/** null when the write succeeded; otherwise what went wrong. */
async function probeWrite(gatewayUrl: string, clientId: string): Promise<string | null> {
  try {
    const res = await fetch(`${gatewayUrl}/api/write`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { probe: true }, source: 'chaos-probe', clientId, requestId: '1' }),
      signal: AbortSignal.timeout(5000),
    });
    return res.ok ? null : `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Unavailability is about writes: appends, and register writes and cas (a read changes nothing). */
const writeFunctions: ReadonlySet<string> = new Set(['append', 'write', 'cas']);

function sumCounts(...parts: (WorkloadCounts | null)[]): WorkloadCounts {
  const sum = { invoked: 0, ok: 0, fail: 0, info: 0, skipped: 0, processes: 0 };
  for (const p of parts) if (p) for (const k of Object.keys(sum) as (keyof WorkloadCounts)[]) sum[k] += p[k];
  return sum;
}

function recoveredLeader(logs: readonly CommittedLog[], leader: string | null): string | null {
  return leader ?? logs[0]?.node ?? null;
}

/** State machine records for acknowledged entry ids that some node compacted out of its log. */
async function compactedRecords(ops: ReturnType<typeof pairOperations>, logs: readonly CommittedLog[], nodes: readonly NodeEndpoint[], leaderId: string | null) {
  const out = new Map<number, { clientId: string | null; requestId: string | null } | null>();
  const maxSnapshot = Math.max(0, ...logs.map((l) => l.snapshotIndex));
  const leader = nodes.find((n) => n.id === leaderId);
  if (maxSnapshot === 0 || !leader) return out;
  const ids = new Set<number>();
  for (const op of ops) {
    if (op.outcome !== 'ok' || !Array.isArray(op.output) || typeof op.output[0] !== 'number') continue;
    if (op.output[0] <= maxSnapshot) ids.add(op.output[0]);
  }
  // One request per record (there is no batch read); a few at a time so the leader's read
  // barriers batch, but not thousands at once.
  const queue = [...ids];
  const worker = async (): Promise<void> => {
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) out.set(id, await readRecord(leader, id));
  };
  await Promise.all(Array.from({ length: compactedReadConcurrency }, worker));
  return out;
}
