// Reading a run folder's files without trusting them: a missing or broken file is `null` (the
// report says what is missing) rather than an exception that would hide everything else.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ReportError } from '../errors.ts';
import { benchRunSchema } from '../run-files/bench-run-files.ts';
import { chaosRunSchema } from '../run-files/chaos-run-files.ts';

// Which kind a run.json is, by the one field each kind's schema names it by (older runs lack others).
const chaosKind = chaosRunSchema.pick({ experiment: true });
const benchKind = benchRunSchema.pick({ scenario: true });

export type RunKind = 'chaos' | 'bench' | 'other';

export interface RunFiles {
  readonly dir: string;
  readonly id: string;
  readonly kind: RunKind;
  readonly files: readonly string[];
  readonly run: Record<string, any> | null;
  readonly results: Record<string, any> | null;
}

export function readJsonOrNull(path: string): Record<string, any> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, any>) : null;
  } catch {
    return null;
  }
}

export function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** chaos: the runner's run.json names an experiment; bench: the bench CLI's names a scenario. */
export function kindOf(run: Record<string, any> | null, id: string): RunKind {
  if (run && chaosKind.safeParse(run).success) return 'chaos';
  if (run && benchKind.safeParse(run).success) return 'bench';
  return /-bench-/.test(id) && run !== null ? 'bench' : 'other';
}

export function openRun(dir: string): RunFiles {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ReportError('RUN_NOT_FOUND', `no run folder at ${dir}`);
  const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort();
  const run = readJsonOrNull(join(dir, 'run.json'));
  const results = readJsonOrNull(join(dir, 'results.json'));
  const id = basename(dir);
  return { dir, id, kind: kindOf(run, id), files, run, results };
}
