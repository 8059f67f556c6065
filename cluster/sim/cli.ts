// just sim [--seeds N] [--seed S] [--nodes 3|5] [--fault-ms MS] [--jobs J] [--cpu-budget-s SECS] [--verbose]
// Without --nodes each seed draws its size (a quarter of them 5 nodes).
// Runs seeds S, S+1, ... S+N-1 in J worker threads (results in seed order). Without --seed the
// base seed is drawn from the clock and printed first, so any run can be repeated exactly. A seed
// that does not finish within its CPU-time budget (a core looping forever) fails as `no-return`.
import { intOption, parseCliArgs, runCli, UsageError } from '../common/cli-usage.ts';
import { defaultJobs, runSeeds, type SeedOutcome } from './run-seeds.ts';
import { drawNodes, simDefaults } from './simulation.ts';

/** Seeds of the default run: under a minute on a quiet 2-core machine (two threads). */
export const defaultSeedCount = 400;

await runCli(async () => {
  const { values, positionals } = parseCliArgs(process.argv.slice(2), {
    seeds: { type: 'string' },
    seed: { type: 'string' },
    nodes: { type: 'string' },
    'fault-ms': { type: 'string' },
    jobs: { type: 'string' },
    'cpu-budget-s': { type: 'string' },
    verbose: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (usage: just sim --seeds N [--seed S] [--nodes 3|5])`);
  const count = intOption('seeds', values.seeds, defaultSeedCount, 1, 1_000_000);
  const base = intOption('seed', values.seed, Date.now() % 1_000_000_000, 0, 2 ** 32 - 1);
  const fixedNodes = values.nodes === undefined ? null : intOption('nodes', values.nodes, 3, 3, 5);
  if (fixedNodes !== null && fixedNodes !== 3 && fixedNodes !== 5) throw new UsageError('--nodes must be 3 or 5');
  const faultMs = intOption('fault-ms', values['fault-ms'], simDefaults.faultMs, 100, 600_000);
  const jobs = intOption('jobs', values.jobs, defaultJobs(), 1, 64);
  const budgetS = intOption('cpu-budget-s', values['cpu-budget-s'], 10, 1, 3600);

  console.log(`sim: seeds ${base}..${base + count - 1} (${count}), ${fixedNodes ?? '3 or 5 (drawn per seed)'} nodes, ${faultMs} ms of faults then heal, ${jobs} threads, ${budgetS} s of CPU per seed at most`);
  const started = Date.now();
  const failed: number[] = [];
  let faults = 0;
  let acked = 0;
  let elections = 0;
  let done = 0;
  const report = (o: SeedOutcome): void => {
    done++;
    const rerun = `  rerun: npx just sim --seeds 1 --seed ${o.seed} --nodes ${o.nodes} --fault-ms ${faultMs} --verbose`;
    if (o.result === null) {
      failed.push(o.seed);
      console.log(`seed ${o.seed}: VIOLATION ${o.invariant}: ${o.detail}`);
      console.log(rerun);
      return;
    }
    const r = o.result;
    faults += r.faults.length;
    acked += r.stats.acknowledged;
    elections += r.stats.elections;
    if (values.verbose || r.violations.length > 0) {
      console.log(`seed ${o.seed}: ${r.violations.length === 0 ? 'ok' : 'VIOLATION'} ${JSON.stringify(r.stats)}`);
      for (const f of r.faults) console.log(`  fault ${f}`);
    }
    if (r.violations.length > 0) {
      failed.push(o.seed);
      for (const v of r.violations) console.log(`  ${v.invariant} at ${v.atMs} ms: ${v.detail}`);
      console.log(rerun);
    } else if (count <= 20 || done % 100 === 0) {
      console.log(`seed ${o.seed}: ok (${r.faults.length} faults, ${r.stats.acknowledged} acked, ${r.stats.elections} elections, term ${r.stats.maxTerm})`);
    }
  };
  const seeds = Array.from({ length: count }, (_, i) => ({ seed: base + i, nodes: (fixedNodes ?? drawNodes(base + i)) as 3 | 5, faultMs }));
  await runSeeds(seeds, { budgetMs: budgetS * 1000, jobs, onOutcome: report });
  const secs = (Date.now() - started) / 1000;
  console.log(`ran ${count} seeds in ${secs.toFixed(1)} s: ${faults} faults injected (${(faults / count).toFixed(1)} per seed), ` +
    `${acked} proposals acknowledged, ${elections} elections; invariants: election safety, log matching, leader completeness, ` +
    `state-machine safety, acknowledged never lost, ReadIndex never stale, liveness after heal, every seed returns`);
  if (failed.length > 0) {
    console.log(`FAILED seeds: ${failed.join(' ')}`);
    return 1;
  }
  console.log('all seeds passed');
  return 0;
});
