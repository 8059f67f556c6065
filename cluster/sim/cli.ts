// just sim --seeds N [--seed S] [--nodes 3|5] [--fault-ms MS] [--verbose]
// Without --nodes each seed draws its size (a quarter of them 5 nodes).
// Runs seeds S, S+1, ... S+N-1. Without --seed the base seed is drawn from the clock and
// printed first, so any run can be repeated exactly.
import { intOption, parseCliArgs, runCli, UsageError } from '../common/cli-usage.ts';
import { drawNodes, runSimulation, simDefaults, type SimResult } from './simulation.ts';

await runCli(async () => {
  const { values, positionals } = parseCliArgs(process.argv.slice(2), {
    seeds: { type: 'string' },
    seed: { type: 'string' },
    nodes: { type: 'string' },
    'fault-ms': { type: 'string' },
    verbose: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (usage: just sim --seeds N [--seed S] [--nodes 3|5])`);
  const count = intOption('seeds', values.seeds, 100, 1, 1_000_000);
  const base = intOption('seed', values.seed, Date.now() % 1_000_000_000, 0, 2 ** 32 - 1);
  const fixedNodes = values.nodes === undefined ? null : intOption('nodes', values.nodes, 3, 3, 5);
  if (fixedNodes !== null && fixedNodes !== 3 && fixedNodes !== 5) throw new UsageError('--nodes must be 3 or 5');
  const faultMs = intOption('fault-ms', values['fault-ms'], simDefaults.faultMs, 100, 600_000);

  console.log(`sim: seeds ${base}..${base + count - 1} (${count}), ${fixedNodes ?? '3 or 5 (drawn per seed)'} nodes, ${faultMs} ms of faults then heal`);
  const started = Date.now();
  const failures: SimResult[] = [];
  let faults = 0;
  let acked = 0;
  let elections = 0;
  for (let i = 0; i < count; i++) {
    const seed = base + i;
    const nodes = (fixedNodes ?? drawNodes(seed)) as 3 | 5;
    const r = runSimulation({ seed, nodes, faultMs });
    faults += r.faults.length;
    acked += r.stats.acknowledged;
    elections += r.stats.elections;
    if (values.verbose || r.violations.length > 0) {
      console.log(`seed ${seed}: ${r.violations.length === 0 ? 'ok' : 'VIOLATION'} ${JSON.stringify(r.stats)}`);
      for (const f of r.faults) console.log(`  fault ${f}`);
    }
    if (r.violations.length > 0) {
      failures.push(r);
      for (const v of r.violations) console.log(`  ${v.invariant} at ${v.atMs} ms: ${v.detail}`);
      console.log(`  rerun: npx just sim --seeds 1 --seed ${seed} --nodes ${nodes} --fault-ms ${faultMs} --verbose`);
    } else if (count <= 20 || (i + 1) % 100 === 0) {
      console.log(`seed ${seed}: ok (${r.faults.length} faults, ${r.stats.acknowledged} acked, ${r.stats.elections} elections, term ${r.stats.maxTerm})`);
    }
  }
  const secs = (Date.now() - started) / 1000;
  console.log(`ran ${count} seeds in ${secs.toFixed(1)} s: ${faults} faults injected (${(faults / count).toFixed(1)} per seed), ` +
    `${acked} proposals acknowledged, ${elections} elections; invariants: election safety, log matching, leader completeness, ` +
    `state-machine safety, acknowledged never lost, ReadIndex never stale, liveness after heal`);
  if (failures.length > 0) {
    console.log(`FAILED seeds: ${failures.map((f) => f.seed).join(' ')}`);
    return 1;
  }
  console.log('all seeds passed');
  return 0;
});
