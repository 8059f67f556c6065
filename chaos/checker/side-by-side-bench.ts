// check-history beside Porcupine, each in a fresh process per check, on the shared fixtures and on
// generated kv histories (50 clients / 2,000 ops and 100 clients / 5,000 ops, valid and with one
// planted anomaly). Wall and CPU (user + sys, from /usr/bin/time) per run; medians; load beside.
// Usage: node --import tsx chaos/checker/side-by-side-bench.ts [--porcupine DRIVER] [--runs N]
//          [--fixture-runs N] [--no-fixtures] [--only SUBSTRING] [FILE:FORMAT ...]
// DRIVER is a Porcupine program taking `FORMAT FILE` and exiting 0 Ok, 1 Illegal, 2 Unknown
// (docs/perf/2026-12-07-checker-vs-porcupine.md says how the one measured there was built).
// Output: a markdown table on stdout and reports/runs/<timestamp>-bench-checker-porcupine/results.json.
// Exits 1 if a verdict disagrees with the expected one (fixtures, generated) or with Porcupine's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { RUNS_DIR, runFolderName } from '../../bench/run-output.ts';
import { seededRandom } from '../../cluster/common/rng.ts';
import { listFixtures, locateFixturesDir } from './fixtures-location.ts';
import { formatJepsenKv } from './format-jepsen-kv.ts';
import { generateHistory } from './history-generator.ts';
import { plantAnomaly } from './plant-anomaly.ts';
import type { Anomaly } from './plant-anomaly.ts';

/** How `just check-history` starts the checker (keep in step with the justfile recipe). */
export const CHECK_HISTORY_COMMAND = ['env', '-u', 'NODE_EXTRA_CA_CERTS', 'node', new URL('./check-history.cjs', import.meta.url).pathname] as const;
const TIME = '/usr/bin/time';

interface Case { name: string; file: string; format: string; expected: boolean | null; group: string }
interface Run { wallMs: number; cpuMs: number; maxRssKb: number; exit: number | null; load1: number }
interface Row { case: Case; ours: Run[]; porcupine: Run[] }

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    porcupine: { type: 'string' }, runs: { type: 'string' }, 'fixture-runs': { type: 'string' },
    'no-fixtures': { type: 'boolean' }, only: { type: 'string' },
  },
});
const runs = Number(values.runs ?? 5);
const fixtureRuns = Number(values['fixture-runs'] ?? 3);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(fixtureRuns) || fixtureRuns < 1) {
  process.stderr.write('side-by-side-bench: --runs and --fixture-runs must be whole numbers >= 1\n');
  process.exit(64);
}
if (!existsSync(TIME)) {
  process.stderr.write(`side-by-side-bench: ${TIME} is needed to read a child's CPU time (Debian package "time")\n`);
  process.exit(64);
}
const porcupine = values.porcupine;
if (porcupine !== undefined && !existsSync(porcupine)) {
  process.stderr.write(`side-by-side-bench: no Porcupine driver at ${porcupine}\n`);
  process.exit(64);
}

const work = mkdtempSync(join(tmpdir(), 'side-by-side-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function generated(): Case[] {
  const cases: Case[] = [];
  const shapes = [
    { label: 'c50-2k', clients: 50, ops: 2000, keys: 10, seeds: [1, 2, 3], anomalies: ['none', 'stale-read', 'lost-write', 'never-written'] },
    { label: 'c100-5k', clients: 100, ops: 5000, keys: 25, seeds: [1, 2], anomalies: ['none', 'stale-read', 'lost-write'] },
  ];
  for (const shape of shapes) {
    for (const seed of shape.seeds) {
      for (const anomaly of shape.anomalies) {
        // The same recipe as generate-history-cli.ts, so `just generate-history` makes these files.
        const random = seededRandom(seed);
        let events = generateHistory({ workload: 'kv', ops: shape.ops, clients: shape.clients, keys: shape.keys, infoRate: 0, jepsenKvShape: true, random });
        if (anomaly !== 'none') {
          const planted = plantAnomaly(events, anomaly as Anomaly, Math.floor(random() * 2 ** 31));
          if (planted === null) continue;
          events = planted;
        }
        const name = `gen-${shape.label}-s${seed}-${anomaly}`;
        const file = join(work, `${name}.txt`);
        writeFileSync(file, formatJepsenKv(events));
        cases.push({ name, file, format: 'jepsen-kv', expected: anomaly === 'none', group: shape.label });
      }
    }
  }
  return cases;
}

function timed(command: readonly string[]): Run {
  const out = join(work, 'time.txt');
  const load1 = loadavg()[0]!;
  const r = spawnSync(TIME, ['-f', '%e %U %S %M', '-o', out, ...command], { encoding: 'utf8', timeout: 180_000, maxBuffer: 64 * 2 ** 20 });
  const [wall, user, sys, rss] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs: Math.round(wall! * 1000), cpuMs: Math.round((user! + sys!) * 1000), maxRssKb: rss!, exit: r.status, load1 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
};
const verdict = (exit: number | null, okWord: string, badWord: string): string =>
  exit === 0 ? okWord : exit === 1 ? badWord : exit === 2 ? 'unknown' : `exit ${exit}`;
const load = (rs: Run[]): string => {
  const ls = rs.map((r) => r.load1);
  return `${Math.min(...ls).toFixed(1)}–${Math.max(...ls).toFixed(1)}`;
};

function measure(c: Case, n: number): Row {
  const row: Row = { case: c, ours: [], porcupine: [] };
  // Alternate, so a burst of load from the neighbours lands on both.
  for (let i = 0; i < n; i++) {
    row.ours.push(timed([...CHECK_HISTORY_COMMAND, c.file, '--format', c.format]));
    if (porcupine !== undefined) row.porcupine.push(timed([porcupine, c.format, c.file]));
  }
  return row;
}

const cases: Case[] = [];
for (const arg of positionals) {
  const at = arg.lastIndexOf(':');
  if (at <= 0) {
    process.stderr.write(`side-by-side-bench: give extra files as FILE:FORMAT, got ${arg}\n`);
    process.exit(64);
  }
  cases.push({ name: basename(arg.slice(0, at)), file: arg.slice(0, at), format: arg.slice(at + 1), expected: null, group: 'given' });
}
cases.push(...generated());
let fixtureCases: Case[] = [];
if (!values['no-fixtures']) {
  const dir = locateFixturesDir();
  fixtureCases = listFixtures(dir).map((f) => ({ name: basename(f.path), file: f.path, format: f.format, expected: f.linearizable, group: 'fixtures' }));
}
const only = values.only;
const chosen = only === undefined ? cases : cases.filter((c) => c.name.includes(only));

console.log(`runs ${runs} (fixtures ${fixtureRuns}); node ${process.version}; ${cpus().length} x ${cpus()[0]?.model ?? '?'}; porcupine ${porcupine ?? '(not given)'}`);
// Build the bundle outside the timed runs.
spawnSync(CHECK_HISTORY_COMMAND[0], [...CHECK_HISTORY_COMMAND.slice(1), '--help'], { stdio: 'ignore' });

const problems: string[] = [];
const rows: Row[] = [];
const header = porcupine === undefined
  ? '| history | ours | ours wall ms | ours CPU ms | ours max RSS MB | load1 |\n|---|---|---|---|---|---|'
  : '| history | ours | ours wall ms | ours CPU ms | ours max RSS MB | Porcupine | P wall ms | P CPU ms | P max RSS MB | load1 |\n|---|---|---|---|---|---|---|---|---|---|';
console.log(header);
for (const c of chosen) {
  const row = measure(c, runs);
  rows.push(row);
  const ours = verdict(row.ours[0]!.exit, 'true', 'false');
  const cells = [c.name, ours, median(row.ours.map((r) => r.wallMs)), median(row.ours.map((r) => r.cpuMs)), Math.round(median(row.ours.map((r) => r.maxRssKb)) / 1024)];
  if (porcupine !== undefined) {
    const p = verdict(row.porcupine[0]!.exit, 'Ok', 'Illegal');
    cells.push(p, median(row.porcupine.map((r) => r.wallMs)), median(row.porcupine.map((r) => r.cpuMs)), Math.round(median(row.porcupine.map((r) => r.maxRssKb)) / 1024));
    const pExit = row.porcupine[0]!.exit;
    if ((pExit === 0 || pExit === 1) && (row.ours[0]!.exit === 0 || row.ours[0]!.exit === 1) && pExit !== row.ours[0]!.exit) problems.push(`${c.name}: ours ${ours}, Porcupine ${p}`);
  }
  cells.push(load([...row.ours, ...row.porcupine]));
  console.log(`| ${cells.join(' | ')} |`);
  if (row.ours.some((r) => r.exit !== row.ours[0]!.exit)) problems.push(`${c.name}: our exit code differed between runs`);
  if (c.expected !== null && row.ours[0]!.exit !== (c.expected ? 0 : 1)) problems.push(`${c.name}: expected ${c.expected}, ours ${ours}`);
}

// The fixtures: 84 small histories, summed per pass (one fresh process per file).
const fixtureTotals = { ours: [] as { wallMs: number; cpuMs: number }[], porcupine: [] as { wallMs: number; cpuMs: number }[], load: [] as number[] };
if (fixtureCases.length > 0 && only === undefined) {
  for (let i = 0; i < fixtureRuns; i++) {
    const pass = fixtureCases.map((c) => measure(c, 1));
    for (const row of pass) {
      const exit = row.ours[0]!.exit;
      if (exit !== (row.case.expected ? 0 : 1)) problems.push(`fixture ${row.case.name}: expected ${row.case.expected}, exit ${exit}`);
      const pExit = row.porcupine[0]?.exit;
      if (pExit !== undefined && pExit !== (row.case.expected ? 0 : 1)) problems.push(`fixture ${row.case.name}: expected ${row.case.expected}, Porcupine exit ${pExit}`);
    }
    const sum = (side: 'ours' | 'porcupine') => ({
      wallMs: pass.reduce((a, r) => a + (r[side][0]?.wallMs ?? 0), 0), cpuMs: pass.reduce((a, r) => a + (r[side][0]?.cpuMs ?? 0), 0),
    });
    fixtureTotals.ours.push(sum('ours'));
    if (porcupine !== undefined) fixtureTotals.porcupine.push(sum('porcupine'));
    fixtureTotals.load.push(...pass.flatMap((r) => [...r.ours, ...r.porcupine].map((x) => x.load1)));
  }
  const o = fixtureTotals.ours;
  let line = `fixtures: ${fixtureCases.length} files, one process each, median of ${fixtureRuns} passes: ours wall ${median(o.map((r) => r.wallMs))} ms, CPU ${median(o.map((r) => r.cpuMs))} ms`;
  const p = fixtureTotals.porcupine;
  if (p.length > 0) line += `; Porcupine wall ${median(p.map((r) => r.wallMs))} ms, CPU ${median(p.map((r) => r.cpuMs))} ms`;
  line += `; load1 ${Math.min(...fixtureTotals.load).toFixed(1)}–${Math.max(...fixtureTotals.load).toFixed(1)}`;
  console.log(line);
}

const dir = join(RUNS_DIR, runFolderName('bench-checker-porcupine'));
mkdirSync(dir, { recursive: true });
const results = {
  startedAt: new Date().toISOString(), runs, fixtureRuns, node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
  command: CHECK_HISTORY_COMMAND, porcupine: porcupine ?? null,
  rows: rows.map((r) => ({ ...r.case, file: r.case.group === 'given' ? r.case.file : undefined, ours: r.ours, porcupine: r.porcupine })),
  fixtures: fixtureTotals, problems,
};
writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${join(dir, 'results.json')}`);
for (const p of problems) console.log(`PROBLEM ${p}`);
process.exitCode = problems.length > 0 ? 1 : 0;
