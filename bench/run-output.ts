// Writes a LoadResult into a run folder: <name>.json plus HdrHistogram .hgrm files.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toHgrm } from '../cluster/common/histograms.ts';
import { toJson } from './load-result.ts';
import type { LoadResult, LoadResultJson } from './load-result.ts';
import { benchStepSchema } from '../reports/run-files/bench-run-files.ts';
import { checkedRunFile } from '../reports/run-files/run-file-check.ts';

export const RUNS_DIR = new URL('../reports/runs/', import.meta.url).pathname;

/** `<UTC timestamp>-<label>`, sortable, safe in paths. */
export function runFolderName(label: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${label}`;
}

export async function makeRunDir(label: string): Promise<string> {
  const dir = join(RUNS_DIR, runFolderName(label));
  await mkdir(dir, { recursive: true });
  return dir;
}

export async function writeLoadResult(dir: string, name: string, result: LoadResult): Promise<LoadResultJson> {
  const json = checkedRunFile(benchStepSchema, `${name}.json`, toJson(result));
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  if (result.corrected !== null) await writeFile(join(dir, `${name}-corrected.hgrm`), toHgrm(result.corrected));
  await writeFile(join(dir, `${name}-raw.hgrm`), toHgrm(result.raw));
  return json;
}
