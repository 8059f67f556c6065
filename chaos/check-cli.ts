// just check <run-dir> [--budget 60s]
// Judges a stored chaos run again from its files (history.jsonl, events.jsonl, final-logs.json,
// run.json; results.json for the checks only the live run could observe), rewrites results.json
// with the new checks and verdict, re-renders the report and prints the verdict.
// Exit: 0 valid, 1 invalid, 2 unknown, 64 usage or a folder that is not a readable chaos run.
import { parseArgs } from 'node:util';
import { DEFAULT_BUDGET_MS } from './checker/linearizability.ts';
import { checkRun, exitCodeOf } from './checker/run-checks.ts';
import { writeJson } from './runner/run-folder.ts';
import { checkLines } from './runner/run-summary.ts';
import { BadRunFolderError, readStoredRun } from './runner/stored-run.ts';
import { reportLine } from '../reports/render-run.ts';
import { UsageError, usageExitCode } from '../cluster/common/cli-usage.ts';

const usage = 'usage: just check <run-dir> [--budget 60s]';
const exitUsage = usageExitCode;

function budgetMs(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(raw);
  const ms = m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : NaN;
  if (!(ms >= 1 && ms <= 3_600_000)) throw new UsageError(`--budget must look like 60s or 500ms (up to 3600s), got "${raw}"`);
  return Math.round(ms);
}

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { budget: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
  const { values, positionals } = parsed;
  if (values.help) { console.log(usage); return 0; }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'which run folder? (reports/runs/<timestamp>-<experiment>)' : `one run folder expected, got ${positionals.length}`);
  const stored = readStoredRun(positionals[0]!);
  const budget = budgetMs(values.budget) ?? stored.runBudgetMs ?? DEFAULT_BUDGET_MS;
  const checked = checkRun({ ...stored.input, linearizabilityBudgetMs: budget });
  // Everything the run measured stays; the checks and the verdict are this check's.
  writeJson(stored.dir, 'results.json', {
    // The run's identity always, so the results file matches its schema whatever the old one held.
    experiment: stored.run.experiment, seed: stored.run.seed, ...stored.results,
    verdict: checked.verdict, reason: checked.reason, checks: checked.checks, checkMs: checked.checkMs,
    checkedAt: new Date().toISOString(), checkedBy: 'just check',
  });
  for (const line of checkLines(checked.checks, checked.checkMs, checked.verdict, checked.reason)) console.log(line);
  console.log(reportLine(stored.dir));
  return exitCodeOf(checked.verdict);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError || err instanceof BadRunFolderError) {
    console.error(`check: ${err.message}`);
    process.exitCode = exitUsage;
  } else {
    // A bug, not the input: the stack, and "could not decide".
    console.error(err);
    process.exitCode = 2;
  }
}
