// Reading a run folder through the run-file schemas (reports/run-files). A file that is absent is
// `null` (a crashed or running run; the report says what is missing); a file that is there but
// does not match its schema is a ReportError RUN_MALFORMED naming the file and the field, in one
// line. Older runs pass: the schemas mark the fields they lack optional (their compatibility step).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import { ReportError } from '../errors.ts';
import { benchResultsSchema, benchRunSchema, type BenchResultsFile, type BenchRunFile } from '../run-files/bench-run-files.ts';
import { chaosResultsSchema, chaosRunSchema, type ChaosResultsFile, type ChaosRunFile } from '../run-files/chaos-run-files.ts';
import { schemaProblem } from '../run-files/run-file-check.ts';

export type RunKind = 'chaos' | 'bench' | 'other';

interface RunFolder {
  readonly dir: string;
  readonly id: string;
  readonly files: readonly string[];
}
export interface ChaosRunFiles extends RunFolder { readonly kind: 'chaos'; readonly run: ChaosRunFile; readonly results: ChaosResultsFile | null }
export interface BenchRunFiles extends RunFolder { readonly kind: 'bench'; readonly run: BenchRunFile; readonly results: BenchResultsFile | null }
/** A folder another tool wrote (bench-raft, bench-proxy, ...): its files are shown as stored. */
export interface OtherRunFiles extends RunFolder { readonly kind: 'other'; readonly run: unknown; readonly results: unknown }
export type RunFiles = ChaosRunFiles | BenchRunFiles | OtherRunFiles;

export function malformed(path: string, problem: string): ReportError {
  return new ReportError('RUN_MALFORMED', `${path}: ${problem}`.replace(/\s*\n\s*/g, ' '));
}

export function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The file's JSON, `null` when absent; not JSON is RUN_MALFORMED. */
export function readJsonFile(path: string): unknown {
  const text = readTextOrNull(path);
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw malformed(path, `not JSON (${(err as Error).message})`);
  }
}

/** The file parsed by its schema, `null` when absent; a mismatch names the file and the field. */
export function readRunFile<S extends z.ZodType>(dir: string, name: string, schema: S): z.output<S> | null {
  const path = join(dir, name);
  const raw = readJsonFile(path);
  if (raw === null) return null;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ReportError('RUN_MALFORMED', schemaProblem(path, parsed.error).replace(/\s*\n\s*/g, ' '));
  return parsed.data;
}

/**
 * One parsed row per line, `null` when the file is absent. A last line that is not JSON is a
 * crashed run's torn write and is left out; any other bad line names the file, line and field.
 */
export function readJsonLines<S extends z.ZodType>(dir: string, name: string, schema: S): z.output<S>[] | null {
  const path = join(dir, name);
  const text = readTextOrNull(path);
  if (text === null) return null;
  const lines = text.split('\n');
  const lastFilled = lines.findLastIndex((l) => l.trim() !== '');
  const rows: z.output<S>[] = [];
  for (let i = 0; i <= lastFilled; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let raw: unknown;
    try { raw = JSON.parse(line); } catch {
      if (i === lastFilled) break;
      throw malformed(path, `line ${i + 1} is not JSON`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new ReportError('RUN_MALFORMED', schemaProblem(`${path} line ${i + 1}`, parsed.error).replace(/\s*\n\s*/g, ' '));
    rows.push(parsed.data);
  }
  return rows;
}

function has(v: unknown, key: string): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && key in v;
}

/**
 * Which kind a run.json is, by the one field each kind's writer names it by (chaos: an
 * experiment, bench CLI: a scenario); then the whole file must match that kind's schema.
 */
export function kindOf(run: unknown, id: string): RunKind {
  if (has(run, 'experiment')) return 'chaos';
  if (has(run, 'scenario')) return 'bench';
  return /-bench-/.test(id) && has(run, 'startedAt') ? 'bench' : 'other';
}

export function openRun(dir: string): RunFiles {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ReportError('RUN_NOT_FOUND', `no run folder at ${dir}`);
  const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort();
  const id = basename(dir);
  const run = readJsonFile(join(dir, 'run.json'));
  const kind = kindOf(run, id);
  if (kind === 'chaos') {
    return { dir, id, files, kind, run: readRunFile(dir, 'run.json', chaosRunSchema)!, results: readRunFile(dir, 'results.json', chaosResultsSchema) };
  }
  if (kind === 'bench') {
    return { dir, id, files, kind, run: readRunFile(dir, 'run.json', benchRunSchema)!, results: readRunFile(dir, 'results.json', benchResultsSchema) };
  }
  return { dir, id, files, kind, run, results: readJsonFile(join(dir, 'results.json')) };
}
