// The runner end to end: leader-kill, 2 trials at a low rate, against a real cluster on free ports.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeHistogram } from '../../cluster/common/histograms.ts';
import { startCluster, type Cluster } from '../../test/cluster-harness.ts';
import { pairOperations, readHistoryJsonl } from '../../reports/run-files/history-file.ts';
import { leaderKill } from '../experiments/leader-kill.ts';
import { runExperiment, type RunOutcome } from './run-experiment.ts';
import { openLocalTarget } from './local-target.ts';

let cluster: Cluster;
let runsDir: string;
let outcome: RunOutcome;
const lines: string[] = [];

test.before(async () => {
  cluster = await startCluster();
  runsDir = mkdtempSync(join(tmpdir(), 'chaos-runs-'));
});

test.after(async () => {
  await cluster?.stop();
  rmSync(runsDir, { recursive: true, force: true });
});

test('leader-kill with 2 trials: valid verdict, sensible measurements, every file of the run folder', async () => {
  const leaderBefore = await cluster.leader();
  const { target } = await openLocalTarget(cluster.config, cluster.manager, 42);
  outcome = await runExperiment(target, {
    experiment: leaderKill, trials: 2, seed: 42, rateRps: 20, holdMs: 500, concurrencyMax: 16,
    recoveryTimeoutMs: 15_000, runsDir, log: (l) => lines.push(l),
  });
  assert.is(outcome.verdict, 'valid', `verdict ${outcome.verdict}: ${outcome.results.reason}\n${lines.join('\n')}`);
  assert.is(outcome.exitCode, 0);
  assert.is(outcome.results.trials, 2);
  assert.is(lines.filter((l) => l.startsWith('trial ')).length, 2, 'one progress line per trial');

  // Both trials killed the leader of the moment; an election followed each, within reason.
  const { electionMs, unavailabilityMs } = outcome.results;
  assert.is(electionMs.count, 2);
  assert.ok(electionMs.p50 > 0 && electionMs.max < 5000, `election ms ${JSON.stringify(electionMs)}`);
  // Each trial's election is of a node other than the one killed, measured forwards from the kill.
  for (const t of outcome.results.perTrial) {
    const killed = /^kill (node\d+)/.exec(t.fault ?? '')?.[1];
    assert.ok(killed && t.newLeader && t.newLeader !== killed, `trial ${t.trial}: killed ${killed}, new leader ${t.newLeader}`);
    assert.ok(t.electionMs! > 0 && t.unavailabilityMs! > 0, `trial ${t.trial}: ${JSON.stringify(t)}`);
  }
  assert.is(unavailabilityMs.count, 2);
  assert.ok(unavailabilityMs.max < 10_000, `unavailability ms ${JSON.stringify(unavailabilityMs)}`);
  assert.ok(outcome.results.perTrial.every((t) => t.fault?.startsWith('kill ') && t.recovered));
  assert.ok(outcome.results.perTrial[0]!.fault!.includes(leaderBefore!), 'the first trial killed the leader it found');

  const files = ['run.json', 'history.jsonl', 'events.jsonl', 'histograms.json', 'results.json', 'final-logs.json'];
  for (const f of files) assert.ok(existsSync(join(outcome.runDir, f)), `${f} written`);
  const run = JSON.parse(readFileSync(join(outcome.runDir, 'run.json'), 'utf8'));
  assert.is(run.seed, 42);
  assert.is(run.experiment, 'leader-kill');
  assert.is(run.runtime, 'local');
  const results = JSON.parse(readFileSync(join(outcome.runDir, 'results.json'), 'utf8'));
  assert.is(results.verdict, 'valid');
  assert.is(results.checks['lost-writes'].valid, true);
  assert.is(results.checks['election-safety'].valid, true);
  assert.ok(results.checks['lost-writes'].acknowledged > 20, `acknowledged ${results.checks['lost-writes'].acknowledged}`);

  // The history is the checker's model: it pairs, and every ok carries an entry id.
  const ops = pairOperations(readHistoryJsonl(join(outcome.runDir, 'history.jsonl')));
  assert.ok(ops.length >= results.checks['lost-writes'].acknowledged);
  assert.ok(ops.filter((op) => op.f === 'append' && op.outcome === 'ok').every((op) => Array.isArray(op.output) && typeof op.output[0] === 'number'));
  // The register workload ran beside it (the default is both) and was checked.
  assert.ok(ops.some((op) => op.f === 'read' && op.outcome === 'ok') && ops.some((op) => op.f === 'cas'), 'register ops in the history');
  for (const name of ['append-order', 'log-agreement', 'linearizable', 'stats']) assert.is(results.checks[name]?.valid, true, `${name}: ${JSON.stringify(results.checks[name])}`);
  assert.ok(results.checks.linearizable.opCount > 20, `linearizable looked at ${results.checks.linearizable.opCount} ops`);
  const events = readFileSync(join(outcome.runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.is(events.filter((e) => e.type === 'fault' && e.phase === 'inject').length, 2);
  assert.is(events.filter((e) => e.type === 'fault' && e.phase === 'heal').length, 2);
  assert.ok(events.some((e) => e.type === 'node' && e.kind === 'elected'));
  const hist = JSON.parse(readFileSync(join(outcome.runDir, 'histograms.json'), 'utf8'));
  assert.is(decodeHistogram(hist.electionMs).totalCount, 2);
});

test('the cluster is left as it was found: every process running, none paused, one leader', async () => {
  for (const p of cluster.manager.list()) {
    assert.ok(p.alive && !p.paused, `${p.name} is ${p.status}${p.paused ? ' (paused)' : ''}`);
  }
  assert.ok(await cluster.leader());
});

test.run();
