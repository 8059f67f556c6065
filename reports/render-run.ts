// renderRun(dir): writes <dir>/index.html (one self-contained page) and regenerates the runs
// index beside it. The chaos runner and the bench CLI call it at the end of every run; a
// failure here must never change a run's outcome, so callers may ignore what it throws.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { indexHtml } from './html/index-page.ts';
import { reportHtml } from './html/report-page.ts';
import { benchModel } from './model/bench-model.ts';
import { chaosModel } from './model/chaos-model.ts';
import { otherModel } from './model/other-model.ts';
import { listRuns } from './model/run-list.ts';
import { openRun } from './model/run-files.ts';
import type { ReportModel } from './model/report-model.ts';

export function buildModel(dir: string): ReportModel {
  const rf = openRun(resolve(dir));
  return rf.kind === 'chaos' ? chaosModel(rf) : rf.kind === 'bench' ? benchModel(rf) : otherModel(rf);
}

/** Returns the path of the report written. */
export function renderRun(dir: string, opts: { index?: boolean } = {}): string {
  const abs = resolve(dir);
  const path = join(abs, 'index.html');
  writeFileSync(path, reportHtml(buildModel(abs)));
  if (opts.index !== false) renderIndex(dirname(abs));
  return path;
}

export function renderIndex(runsDir: string): string {
  const path = join(runsDir, 'index.html');
  writeFileSync(path, indexHtml(listRuns(runsDir)));
  return path;
}

/**
 * For the end of a chaos or bench run: renders the report and returns the line to print. A
 * report that cannot be rendered never changes the run's outcome: the line says why instead.
 */
export function reportLine(dir: string): string {
  try {
    return `report: ${renderRun(dir)}`;
  } catch (err) {
    return `report: not rendered (${(err as Error).message}); retry with: npx just report ${dir}`;
  }
}
