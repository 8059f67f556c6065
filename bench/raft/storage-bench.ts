// Storage benchmark (not a test): append throughput and persist latency of FileStorage with
// fsync, with group commit, and without fsync. One entry per persist call, closed loop: each
// caller sends its next call as soon as the previous resolves, so the intended send time is the
// call time and latency from the call is the full wait (no coordinated omission to correct).
//
//   node --import tsx bench/raft/storage-bench.ts [--duration-ms 3000] [--concurrency 64] [--entry-bytes 100]
//
// Writes <run>/results.json and one .hgrm per case; the last line printed is the run folder.
import { statfs } from 'node:fs/promises';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileStorage } from '../../cluster/storage/file-storage.ts';
import type { FsyncPolicy } from '../../cluster/storage/raft-storage.ts';
import { createLatencyHistogram, percentileTable, recordMs, toHgrm } from '../../cluster/common/histograms.ts';
import type { PercentileTableMs } from '../../cluster/common/histograms.ts';
import { makeRunDir } from '../run-output.ts';
import { usageExitCode } from '../../cluster/common/cli-usage.ts';

export type StorageBenchCaseName = 'sequential-fsync' | 'group-commit-fsync' | 'sequential-no-fsync';

export interface StorageBenchOptions {
  /** Wall time per case; default 3000. */
  readonly durationMsPerCase?: number;
  /** Concurrent callers in the group-commit case; default 64. */
  readonly concurrency?: number;
  /** Bytes of entry data; default 100. */
  readonly entryBytes?: number;
  readonly cases?: readonly StorageBenchCaseName[];
  /** Run folder to write into; default a new reports/runs/<timestamp>-bench-storage. */
  readonly runDir?: string;
  /** Where the WAL goes (removed afterwards); default <runDir>/data, on the disk being reported. */
  readonly dataDir?: string;
  readonly log?: (line: string) => void;
}

export interface StorageBenchCaseResult {
  readonly name: StorageBenchCaseName;
  readonly fsync: FsyncPolicy;
  readonly callers: number;
  readonly durationMs: number;
  readonly persists: number;
  readonly persistsPerSec: number;
  readonly walBytesPerSec: number;
  /** WAL fdatasyncs; persists per sync is the group-commit factor. */
  readonly walSyncs: number;
  readonly persistsPerSync: number | null;
  readonly latency: PercentileTableMs;
}

export interface StorageBenchResult {
  readonly kind: 'bench-storage';
  readonly startedAt: string;
  readonly runDir: string;
  readonly options: { durationMsPerCase: number; concurrency: number; entryBytes: number; segmentBytesMax: number };
  readonly environment: { node: string; platform: string; dataDir: string; filesystem: string };
  readonly cases: readonly StorageBenchCaseResult[];
}

export class StorageBenchOptionsError extends Error {
  readonly code = 'BENCH_STORAGE_OPTIONS';
  constructor(message: string) {
    super(message);
    this.name = 'StorageBenchOptionsError';
  }
}

const allCases: readonly StorageBenchCaseName[] = ['sequential-fsync', 'group-commit-fsync', 'sequential-no-fsync'];
const segmentBytesMax = 64 * 1024 * 1024;

function positiveInt(name: string, v: number, hint: string): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new StorageBenchOptionsError(`${name} must be a positive integer, got ${v} (${hint})`);
  return v;
}

export async function runStorageBench(opts: StorageBenchOptions = {}): Promise<StorageBenchResult> {
  const durationMsPerCase = positiveInt('durationMsPerCase', opts.durationMsPerCase ?? 3000, 'e.g. 3000');
  const concurrency = positiveInt('concurrency', opts.concurrency ?? 64, 'e.g. 64');
  const entryBytes = positiveInt('entryBytes', opts.entryBytes ?? 100, 'e.g. 100');
  const cases = opts.cases ?? allCases;
  for (const c of cases) if (!allCases.includes(c)) throw new StorageBenchOptionsError(`unknown case ${c}; cases are ${allCases.join(', ')}`);
  const log = opts.log ?? (() => undefined);

  const startedAt = new Date().toISOString();
  const runDir = opts.runDir ?? (await makeRunDir('bench-storage'));
  await mkdir(runDir, { recursive: true });
  const dataRoot = opts.dataDir ?? join(runDir, 'data');
  await mkdir(dataRoot, { recursive: true });
  const filesystem = await filesystemName(dataRoot);
  log(`storage bench: ${durationMsPerCase} ms per case, ${entryBytes}-byte entries, WAL in ${dataRoot} (${filesystem})`);

  const results: StorageBenchCaseResult[] = [];
  try {
    for (const name of cases) {
      const fsync: FsyncPolicy = name === 'sequential-no-fsync' ? 'never' : 'always';
      const callers = name === 'group-commit-fsync' ? concurrency : 1;
      const dir = join(dataRoot, name);
      await rm(dir, { recursive: true, force: true });
      log(`  ${name}: ${callers} caller(s), fsync ${fsync} ...`);
      const r = await runCase(name, dir, fsync, callers, durationMsPerCase, entryBytes);
      results.push(r.result);
      await writeFile(join(runDir, `${name}.hgrm`), r.hgrm);
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    if (!opts.dataDir) await rm(dataRoot, { recursive: true, force: true });
  }

  const result: StorageBenchResult = {
    kind: 'bench-storage',
    startedAt,
    runDir,
    options: { durationMsPerCase, concurrency, entryBytes, segmentBytesMax },
    environment: { node: process.version, platform: `${process.platform}-${process.arch}`, dataDir: dataRoot, filesystem },
    cases: results,
  };
  await writeFile(join(runDir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

async function runCase(
  name: StorageBenchCaseName, dir: string, fsync: FsyncPolicy, callers: number, durationMs: number, entryBytes: number,
): Promise<{ result: StorageBenchCaseResult; hgrm: string }> {
  const storage = new FileStorage({ dir, fsync, segmentBytesMax });
  await storage.load();
  const before = { ...storage.stats };
  const histogram = createLatencyHistogram();
  const data = 'x'.repeat(entryBytes);
  let nextIndex = 1;
  const started = performance.now();
  const deadline = started + durationMs;

  const caller = async (): Promise<void> => {
    while (performance.now() < deadline) {
      // Indexes are taken at call time, and calls apply in call order, so the log stays contiguous.
      const index = nextIndex++;
      const sent = performance.now();
      await storage.persist({ entries: [{ index, term: 1, kind: 'command', data }], hardState: null, snapshot: null });
      recordMs(histogram, performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const elapsedMs = performance.now() - started;
  await storage.close();

  const persists = storage.stats.persistCalls - before.persistCalls;
  const walSyncs = storage.stats.walSyncs - before.walSyncs;
  const bytes = storage.stats.walBytesWritten - before.walBytesWritten;
  return {
    result: {
      name, fsync, callers,
      durationMs: Math.round(elapsedMs),
      persists,
      persistsPerSec: Math.round((persists / elapsedMs) * 1000),
      walBytesPerSec: Math.round((bytes / elapsedMs) * 1000),
      walSyncs,
      persistsPerSync: walSyncs > 0 ? Number((persists / walSyncs).toFixed(2)) : null,
      latency: percentileTable(histogram),
    },
    hgrm: toHgrm(histogram),
  };
}

/** fsync costs nothing on tmpfs; the report has to say which filesystem was measured. */
async function filesystemName(dir: string): Promise<string> {
  const magic: Record<number, string> = {
    0xef53: 'ext4', 0x01021994: 'tmpfs', 0x794c7630: 'overlayfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x6a656a63: 'fakeowner',
  };
  try {
    const s = await statfs(dir);
    return magic[s.type] ?? `unknown (statfs type 0x${s.type.toString(16)})`;
  } catch {
    return 'unknown';
  }
}

export function formatStorageBenchTable(r: StorageBenchResult): string {
  const head = ['case', 'fsync', 'callers', 'persists', 'persists/s', 'per sync', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms'];
  const ms = (v: number) => v.toFixed(3);
  const rows = r.cases.map((c) => [
    c.name, c.fsync, String(c.callers), String(c.persists), String(c.persistsPerSec),
    c.persistsPerSync === null ? '-' : c.persistsPerSync.toFixed(1),
    ms(c.latency.p50Ms), ms(c.latency.p90Ms), ms(c.latency.p99Ms), ms(c.latency.p999Ms), ms(c.latency.maxMs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

function parseArgs(argv: readonly string[]): StorageBenchOptions {
  const out: { durationMsPerCase?: number; concurrency?: number; entryBytes?: number } = {};
  const keys: Record<string, keyof typeof out> = { '--duration-ms': 'durationMsPerCase', '--concurrency': 'concurrency', '--entry-bytes': 'entryBytes' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = keys[argv[i]!];
    if (!key || argv[i + 1] === undefined) {
      throw new StorageBenchOptionsError(`unknown or incomplete argument ${argv[i]}; use --duration-ms N --concurrency N --entry-bytes N`);
    }
    out[key] = Number(argv[i + 1]);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const result = await runStorageBench({ ...parseArgs(process.argv.slice(2)), log: (l) => console.log(l) });
    console.log(formatStorageBenchTable(result));
    console.log(result.runDir);
  } catch (e) {
    if (e instanceof StorageBenchOptionsError) {
      console.error(`error: ${e.message}`);
      process.exit(usageExitCode);
    }
    throw e;
  }
}
