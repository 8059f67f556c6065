/**
 * `just chaos suite [--seed S] [--quick] [--only a,b]`: every experiment of the battery
 * (suite-plan.ts) one after another, each as its own `chaos/cli.ts` run with a seed derived
 * from the suite's (printed first: one seed reruns the whole suite), on one local cluster kept
 * up between runs; the cluster is stopped after a run that did not end valid, and before a run
 * that needs other node environment, so the next starts clean. One table at the end
 * (experiment, verdict, reason, run folder) and one exit code: 1 if any run is invalid, else 2
 * if any is unknown (or failed to run), else 0.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, repoRoot } from '../cluster/config.ts';
import { readClusterRecord, removeClusterRecord } from '../cluster/local/cluster-record.ts';
import { stopAll } from '../cluster/local/local-cluster.ts';
import { ProcessManager } from '../cluster/local/process-manager.ts';
import { Rng } from '../cluster/common/rng.ts';
import { findExperiment } from './experiments/registry.ts';
import { fullSuite, quickSuite, type SuiteEntry } from './suite-plan.ts';

export interface SuiteRow {
  readonly experiment: string;
  readonly seed: number;
  readonly verdict: 'valid' | 'invalid' | 'unknown';
  readonly reason: string;
  readonly runDir: string | null;
  readonly seconds: number;
}

/** Each experiment's seed from the suite's: stable whatever else the plan holds. */
export function entrySeed(suiteSeed: number, experiment: string): number {
  return new Rng(suiteSeed).fork(experiment).int(1, 2 ** 31 - 1);
}

export function suiteExitCode(rows: readonly SuiteRow[]): 0 | 1 | 2 {
  if (rows.some((r) => r.verdict === 'invalid')) return 1;
  if (rows.some((r) => r.verdict !== 'valid')) return 2;
  return 0;
}

export function planFor(quick: boolean, only: readonly string[] | null): SuiteEntry[] {
  const plan = quick ? quickSuite : fullSuite;
  for (const e of [...fullSuite, ...quickSuite]) if (!findExperiment(e.experiment)) throw new Error(`suite plan names an unknown experiment "${e.experiment}"`);
  if (only === null) return [...plan];
  for (const name of only) if (!findExperiment(name)) throw new Error(`unknown experiment "${name}"`);
  return fullSuite.filter((e) => only.includes(e.experiment)).map((e) => (quick ? { ...e, trials: 1 } : e));
}

/**
 * How long each trial waits for the cluster to heal. A restarted node is a cold tsx start: 11 s
 * was measured at load average 25 on 2 cores, so the CLI's 15 s default stopped runs unknown that
 * only waited too little. Recovery is a wait, not a judgment (liveness bounds judge).
 */
const suiteRecoveryTimeout = '45s';

/** Runs one entry as a child `chaos/cli.ts`, streaming its output with a prefix. */
function runEntry(entry: SuiteEntry, seed: number, log: (line: string) => void): Promise<{ code: number; lastLine: string; errLine: string }> {
  const args = ['--import', 'tsx', 'chaos/cli.ts', entry.experiment, '--seed', String(seed), '--trials', String(entry.trials),
    '--duration', `${entry.holdMs}ms`, '--recovery-timeout', suiteRecoveryTimeout, '--keep-cluster', ...(entry.extraArgs ?? [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let lastLine = '';
    let errLine = '';
    const lines = (buf: Buffer, err: boolean) => {
      for (const l of buf.toString('utf8').split('\n').filter((x) => x.trim() !== '')) {
        log(`  [${entry.experiment}] ${l}`);
        if (err) errLine = l; else lastLine = l;
      }
    };
    child.stdout.on('data', (b: Buffer) => lines(b, false));
    child.stderr.on('data', (b: Buffer) => lines(b, true));
    child.on('close', (code) => resolve({ code: code ?? 2, lastLine, errLine }));
  });
}

async function stopCluster(manager: ProcessManager): Promise<void> {
  await stopAll(manager);
  removeClusterRecord(manager.runDir);
}

export async function runSuite(opts: { seed: number; quick: boolean; only: readonly string[] | null; log: (line: string) => void }): Promise<{ rows: SuiteRow[]; exitCode: 0 | 1 | 2 }> {
  const plan = planFor(opts.quick, opts.only);
  const manager = new ProcessManager(loadConfig().dataDirAbs);
  const startedWithCluster = readClusterRecord(manager.runDir) !== null;
  const rows: SuiteRow[] = [];
  let envOfCluster: string | null = startedWithCluster ? 'user' : null;
  // Ctrl-C reaches the running child too (it heals and stops); the suite then stops its cluster and ends.
  let interrupted = false;
  const onSignal = () => { interrupted = true; };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  for (const [i, entry] of plan.entries()) {
    if (interrupted) { opts.log('suite interrupted: the remaining experiments did not run'); break; }
    const exp = findExperiment(entry.experiment)!;
    const seed = entrySeed(opts.seed, entry.experiment);
    const wantEnv = JSON.stringify(exp.clusterEnv ?? {});
    // A cluster this suite started with other node environment cannot serve this experiment.
    if (envOfCluster !== null && envOfCluster !== 'user' && envOfCluster !== wantEnv) { await stopCluster(manager); envOfCluster = null; }
    opts.log(`suite ${i + 1}/${plan.length}: ${entry.experiment} --seed ${seed} --trials ${entry.trials} --duration ${entry.holdMs}ms`);
    const t0 = Date.now();
    const { code, lastLine, errLine } = await runEntry(entry, seed, opts.log)
      .catch((err: unknown) => ({ code: 2, lastLine: '', errLine: `could not run: ${(err as Error)?.message ?? String(err)}` }));
    if (envOfCluster === null && readClusterRecord(manager.runDir) !== null) envOfCluster = wantEnv;
    const runDir = lastLine.startsWith('/') && existsSync(join(lastLine, 'results.json')) ? lastLine : null;
    let verdict: SuiteRow['verdict'] = code === 0 ? 'valid' : code === 1 ? 'invalid' : 'unknown';
    let reason = code === 0 ? '' : errLine || `exit ${code}`;
    if (runDir !== null) {
      const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as { verdict: SuiteRow['verdict']; reason: string | null };
      verdict = results.verdict;
      reason = results.reason ?? '';
    }
    rows.push({ experiment: entry.experiment, seed, verdict, reason, runDir, seconds: Math.round((Date.now() - t0) / 1000) });
    opts.log(`suite ${i + 1}/${plan.length}: ${entry.experiment} ${verdict}${reason ? ` (${reason})` : ''} in ${rows.at(-1)!.seconds} s`);
    // Whatever a run that did not end valid left behind, the next starts from a fresh cluster.
    if (verdict !== 'valid' && envOfCluster !== 'user') { await stopCluster(manager); envOfCluster = null; }
  }
  if (envOfCluster !== null && envOfCluster !== 'user') await stopCluster(manager);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return { rows, exitCode: interrupted ? (suiteExitCode(rows) === 1 ? 1 : 2) : suiteExitCode(rows) };
}

export function suiteTable(rows: readonly SuiteRow[]): string[] {
  const head = ['experiment', 'verdict', 'seconds', 'reason', 'run folder'];
  const cells = rows.map((r) => [r.experiment, r.verdict, String(r.seconds), r.reason.length > 100 ? `${r.reason.slice(0, 97)}...` : r.reason || '-', r.runDir ?? '-']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}
