// just bench-raft [--entries N] [--seconds S]
// The core's committed entries per CPU-second in simulation (no IO), then the storage's fsync'd
// append throughput with and without group commit. Results: reports/runs/<stamp>-bench-raft/.
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { intOption, parseCliArgs, runCli, UsageError } from '../../cluster/common/cli-usage.ts';
import { makeRunDir } from '../run-output.ts';
import { runCoreBenchCase } from './core-bench.ts';
import { formatStorageBenchTable, runStorageBench } from './storage-bench.ts';

await runCli(async () => {
  const { values, positionals } = parseCliArgs(process.argv.slice(2), {
    entries: { type: 'string' },
    seconds: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (usage: just bench-raft [--entries N] [--seconds S])`);
  const entries = intOption('entries', values.entries, 200_000, 1000, 10_000_000);
  const seconds = intOption('seconds', values.seconds, 3, 1, 60);
  const dir = await makeRunDir('bench-raft');
  console.log(`bench-raft: ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}`);
  console.log('\ncore (3 nodes in memory, no IO): committed entries per CPU-second');
  const core = [];
  for (const batch of [1, 16, 256]) {
    runCoreBenchCase(batch, Math.min(20_000, entries)); // warm up the JIT
    const r = runCoreBenchCase(batch, entries);
    core.push(r);
    console.log(`  batch ${String(batch).padStart(3)}: ${Math.round(r.committedPerCpuSecond).toLocaleString('en-US').padStart(10)} entries/cpu-s  (${r.entries} entries, ${r.cpuMs.toFixed(0)} ms cpu, ${r.messages} messages)`);
  }
  console.log(`\nstorage (${seconds} s per case, 100-byte entries, WAL in the run folder)`);
  const storage = await runStorageBench({ durationMsPerCase: seconds * 1000, runDir: dir });
  console.log(formatStorageBenchTable(storage));
  const env = { cpu: cpus()[0]?.model ?? null, cpus: cpus().length, node: process.version };
  await writeFile(join(dir, 'results.json'), `${JSON.stringify({ env, core, storage }, null, 2)}\n`);
  console.log(dir);
  return 0;
});
