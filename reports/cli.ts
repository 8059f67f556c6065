// just report <run-dir> | just report compare <runA> <runB> | just report --all
// Renders a run folder's index.html (and the runs index), a comparison page, or every run.
// Prints the path written; errors are one line and exit 2 (usage: 64).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { repoRoot } from '../cluster/config.ts';
import { renderComparison } from './compare.ts';
import { ReportError } from './errors.ts';
import { renderIndex, renderRun } from './render-run.ts';

const usage = 'usage: just report <run-dir> | just report compare <runA> <runB> | just report --all';
const runsDir = process.env.REPORTS_RUNS_DIR ? resolve(process.env.REPORTS_RUNS_DIR) : join(repoRoot, 'reports', 'runs');

/** A run given as a path, or as a folder name under reports/runs. */
function runDir(arg: string): string {
  const candidates = isAbsolute(arg) ? [arg] : [resolve(arg), join(runsDir, arg)];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
  if (!found) throw new ReportError('RUN_NOT_FOUND', `no run folder "${arg}" (looked in ${candidates.join(' and ')})`);
  return found;
}

function main(argv: string[]): number {
  if (argv.length === 0 || argv.includes('-h') || argv.includes('--help')) {
    console.log(usage);
    return argv.length === 0 ? 64 : 0;
  }
  if (argv[0] === 'compare') {
    if (argv.length !== 3) throw new ReportError('USAGE', 'compare takes two run folders');
    console.log(renderComparison(runDir(argv[1]!), runDir(argv[2]!)));
    return 0;
  }
  if (argv[0] === '--all') {
    if (argv.length !== 1) throw new ReportError('USAGE', '--all takes no other argument');
    // A malformed folder is named (one line each) and skipped; the others and the index still render.
    let malformedRuns = 0;
    for (const name of existsSync(runsDir) ? readdirSync(runsDir) : []) {
      const dir = join(runsDir, name);
      if (name === 'compare' || !statSync(dir).isDirectory()) continue;
      try {
        renderRun(dir, { index: false });
      } catch (err) {
        if (!(err instanceof ReportError && err.code === 'RUN_MALFORMED')) throw err;
        console.error(`report: ${err.message} (${err.code})`);
        malformedRuns++;
      }
    }
    console.log(renderIndex(runsDir));
    return malformedRuns > 0 ? 2 : 0;
  }
  if (argv.length !== 1 || argv[0]!.startsWith('-')) throw new ReportError('USAGE', `unexpected arguments: ${argv.join(' ')}`);
  console.log(renderRun(runDir(argv[0]!)));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  const code = (err as { code?: unknown }).code;
  console.error(`report: ${(err as Error).message}${typeof code === 'string' ? ` (${code})` : ''}`);
  process.exitCode = code === 'USAGE' ? 64 : 2;
}
