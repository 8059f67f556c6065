// The demo that the checker tells a correct cluster from a broken one, end to end on a real
// proxied cluster: partition-leader with register reads served `?stale=true` by any node (the
// isolated old leader keeps answering from its frozen copy; followers answer before they apply)
// must end invalid from the linearizability check, with a counterexample in results.json that
// the HTML report draws; the same experiment with linearizable reads must end valid.
// A stale read needs a read to land on a lagging node after a newer write completed; that is
// near certain over a 2 s partition at 40 ops/s, but if a trial misses it the run is repeated,
// at most `attemptsMax` times in all (each attempt is printed).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderRun } from '../reports/render-run.ts';
import { startCluster, type Cluster } from '../test/cluster-harness.ts';
import { checkRun } from './checker/run-checks.ts';
import { partitionLeader } from './experiments/partition-leader.ts';
import { runExperiment, type RunOutcome } from './runner/run-experiment.ts';
import { openLocalTarget } from './runner/local-target.ts';
import { readStoredRun } from './runner/stored-run.ts';

const attemptsMax = 3;
let cluster: Cluster;
let runsDir: string;

test.before(async () => {
  cluster = await startCluster();
  runsDir = mkdtempSync(join(tmpdir(), 'chaos-unsafe-'));
});

test.after(async () => {
  await cluster?.stop();
  rmSync(runsDir, { recursive: true, force: true });
});

async function run(seed: number, unsafeStaleReads: boolean): Promise<{ outcome: RunOutcome; lines: string[] }> {
  const lines: string[] = [];
  const { target } = await openLocalTarget(cluster.config, cluster.manager, seed);
  const outcome = await runExperiment(target, {
    experiment: partitionLeader, trials: 1, seed, rateRps: 40, holdMs: 2000, concurrencyMax: 32,
    recoveryTimeoutMs: 15_000, runsDir, log: (l) => lines.push(l), workload: 'register', unsafeStaleReads, checkBudgetMs: 30_000,
  });
  return { outcome, lines };
}

test('--unsafe-stale-reads: invalid from linearizability, counterexample stored and drawn', async () => {
  let outcome: RunOutcome | null = null;
  const tried: string[] = [];
  for (let attempt = 1; attempt <= attemptsMax; attempt++) {
    const r = await run(100 + attempt, true);
    tried.push(`attempt ${attempt}: ${r.outcome.verdict} (${r.outcome.results.reason})`);
    console.log(`unsafe demo ${tried.at(-1)}`);
    // Only a missed anomaly window (valid) is retried; anything else is the answer.
    if (r.outcome.verdict !== 'valid') { outcome = r.outcome; break; }
  }
  assert.ok(outcome, `no stale read caught in ${attemptsMax} runs:\n${tried.join('\n')}`);
  assert.is(outcome.verdict, 'invalid', tried.join('\n'));
  assert.is(outcome.exitCode, 1);
  const lin = outcome.results.checks.linearizable as unknown as { valid: unknown };
  assert.is(lin.valid, false, JSON.stringify(lin));
  // The other checks judge the cluster itself, which did nothing wrong.
  for (const name of ['election-safety', 'deposed-leader', 'stats']) assert.is(outcome.results.checks[name]?.valid, true, `${name}: ${JSON.stringify(outcome.results.checks[name])}`);
  const stored = JSON.parse(readFileSync(join(outcome.runDir, 'results.json'), 'utf8'));
  assert.is(stored.checks.linearizable.valid, false);
  assert.ok(stored.checks.linearizable.counterexample?.window?.length > 0, 'a counterexample window in results.json');
  assert.is(stored.checks.linearizable.counterexample.blocking.outcome, 'ok');

  const html = readFileSync(renderRun(outcome.runDir, { index: false }), 'utf8');
  assert.match(html, /id="counterexample-linearizable"/);
  assert.match(html, /<svg class="cx"[^>]*aria-label="counterexample of linearizable"/);

  // The stored folder alone gives the same verdict (what `just check` does).
  const again = readStoredRun(outcome.runDir);
  assert.is(checkRun({ ...again.input, linearizabilityBudgetMs: 30_000 }).verdict, 'invalid');
});

test('the same experiment with linearizable reads: valid', async () => {
  const { outcome, lines } = await run(200, false);
  assert.is(outcome.verdict, 'valid', `${outcome.results.reason}\n${lines.join('\n')}`);
  const lin = outcome.results.checks.linearizable as unknown as { valid: unknown; opCount: number };
  assert.is(lin.valid, true);
  assert.ok(lin.opCount > 40, `checked ${lin.opCount} register ops`);
});

test.run();
