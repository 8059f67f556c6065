// Measures the linearizability checker against its targets: all shared fixtures in under 5 s
// total, and a generated 10,000-op register history (10 clients, 5 keys, 5% info) in under 10 s,
// both in Jepsen's shape and in the chaos register workload's (the slower of the two is the figure).
// Usage: node --import tsx chaos/checker/checker-bench.ts [--seed N] [--repeats N]
// Output: reports/runs/<timestamp>-bench-checker/results.json. Exits 1 if a fixture verdict is wrong.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RUNS_DIR, runFolderName } from '../../bench/run-output.ts';
import { casRegister } from './cas-register.ts';
import { listFixtures, locateFixturesDir } from './fixtures-location.ts';
import { corruptOneRead, generateHistory } from './history-generator.ts';
import type { GeneratedWorkload } from './history-generator.ts';
import { pairOperations } from '../../reports/run-files/history-ops.ts';
import type { HistoryEvent } from '../../reports/run-files/history-ops.ts';
import { kv } from './kv.ts';
import { checkLinearizable } from './linearizability.ts';
import { loadJepsenHistory } from './load-history.ts';
import type { Model } from './model.ts';
import { seededRandom } from '../../cluster/common/rng.ts';

const TARGET_FIXTURES_TOTAL_MS = 5_000;
const TARGET_REGISTER_10K_MS = 10_000;
const BUDGET_MS = 60_000;
// Refuting a long history with hundreds of pending info calls is the search's known weak spot
// (it ends unknown); a shorter budget records that without making the bench take minutes.
const CORRUPT_BUDGET_MS = 10_000;

const { values } = parseArgs({ options: { seed: { type: 'string' }, repeats: { type: 'string' } } });
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const repeats = values.repeats === undefined ? 3 : Number(values.repeats);
if (!Number.isInteger(seed) || !Number.isInteger(repeats) || repeats < 1) {
  process.stderr.write('checker-bench: --seed and --repeats must be integers (repeats >= 1)\n');
  process.exit(64);
}
console.log(`seed ${seed}  repeats ${repeats}`);

let fixturesDir: string;
try {
  fixturesDir = locateFixturesDir();
} catch (e) {
  process.stderr.write(`checker-bench: ${(e as Error).message}\n`);
  process.exit(64);
}
const fixtures = listFixtures(fixturesDir);

interface FixtureRun { totalMs: number; mismatches: string[]; slowest: { file: string; ms: number; valid: unknown }[] }

function runFixtures(): FixtureRun {
  const started = performance.now();
  const mismatches: string[] = [];
  const timings: { file: string; ms: number; valid: unknown }[] = [];
  for (const f of fixtures) {
    const t0 = performance.now();
    const { ops, model } = loadJepsenHistory(f.path, f.format);
    const r = checkLinearizable(model, ops, { budgetMs: BUDGET_MS });
    timings.push({ file: f.path.slice(fixturesDir.length + 1), ms: round(performance.now() - t0), valid: r.valid });
    if (r.valid !== f.linearizable) mismatches.push(`${f.path}: expected ${f.linearizable}, got ${r.valid}`);
  }
  timings.sort((a, b) => b.ms - a.ms);
  return { totalMs: round(performance.now() - started), mismatches, slowest: timings.slice(0, 5) };
}

interface GeneratedRun {
  name: string; workload: GeneratedWorkload; ops: number; events: number; infoOps: number;
  expected: boolean; valid: unknown; checkMs: number; steps: number; configurations: number;
}

function runGenerated(name: string, workload: GeneratedWorkload, corrupt: boolean, chaosShape = false): GeneratedRun {
  const model = (workload === 'kv' ? kv : casRegister) as Model<never>;
  let events: HistoryEvent[] = generateHistory({ workload, ops: 10_000, clients: 10, keys: 5, infoRate: 0.05, random: seededRandom(seed), chaosShape });
  if (corrupt) events = corruptOneRead(events, seed) ?? events;
  const ops = pairOperations(events);
  const t0 = performance.now();
  const r = checkLinearizable(model, ops, { budgetMs: corrupt ? CORRUPT_BUDGET_MS : BUDGET_MS });
  return {
    name, workload, ops: ops.length, events: events.length, infoOps: ops.filter((o) => o.outcome === 'info').length,
    expected: !corrupt, valid: r.valid, checkMs: round(performance.now() - t0), steps: r.steps, configurations: r.configurations,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

const fixtureRuns = Array.from({ length: repeats }, runFixtures);
for (const [i, r] of fixtureRuns.entries()) console.log(`fixtures run ${i + 1}: ${fixtures.length} files in ${r.totalMs} ms, ${r.mismatches.length} wrong`);
const generated: GeneratedRun[] = [];
for (let i = 0; i < repeats; i++) {
  // chaos-shape: the register workload's own shape (unique values, cas misses as ok false).
  const cases = [
    ['register-10k', 'cas-register', false, false], ['register-10k-chaos-shape', 'cas-register', false, true], ['kv-10k', 'kv', false, false],
    ['register-10k-one-bad-read', 'cas-register', true, false], ['register-10k-chaos-shape-one-bad-read', 'cas-register', true, true],
  ] as const;
  for (const [name, workload, corrupt, chaosShape] of cases.filter((c) => i === 0 || !c[2])) {
    const r = runGenerated(name, workload, corrupt, chaosShape);
    generated.push(r);
    console.log(`${name} run ${i + 1}: ${r.ops} ops (${r.infoOps} info) -> ${r.valid} (expected ${r.expected}) in ${r.checkMs} ms`);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fixturesMedianMs = median(fixtureRuns.map((r) => r.totalMs));
const register10kMedianMs = Math.max(...['register-10k', 'register-10k-chaos-shape'].map((n) => median(generated.filter((g) => g.name === n).map((g) => g.checkMs))));
const results = {
  startedAt: new Date().toISOString(),
  seed, repeats, node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
  fixtures: { dir: fixturesDir, count: fixtures.length, runs: fixtureRuns, medianTotalMs: fixturesMedianMs },
  generated,
  targets: {
    fixturesTotalMs: { target: TARGET_FIXTURES_TOTAL_MS, medianMs: fixturesMedianMs, met: fixturesMedianMs < TARGET_FIXTURES_TOTAL_MS },
    register10kMs: { target: TARGET_REGISTER_10K_MS, medianMs: register10kMedianMs, met: register10kMedianMs < TARGET_REGISTER_10K_MS },
  },
};
const dir = join(RUNS_DIR, runFolderName('bench-checker'));
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`fixtures median ${fixturesMedianMs} ms (target < ${TARGET_FIXTURES_TOTAL_MS}); register 10k median ${register10kMedianMs} ms (target < ${TARGET_REGISTER_10K_MS})`);
console.log(`wrote ${join(dir, 'results.json')}`);
const wrongGenerated = generated.filter((g) => g.valid !== g.expected && g.valid !== 'unknown');
if (fixtureRuns.some((r) => r.mismatches.length > 0) || wrongGenerated.length > 0) process.exit(1);
