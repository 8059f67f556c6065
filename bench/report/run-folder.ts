// One run's folder, reports/runs/<stamp>-bench-<name>/:
//   run.json        options, environment, cluster (fsync policy included), timing; written at the
//                   start (so a crashed run still says what it was) and completed at the end
//   results.json    the headline summary (RunSummary) plus scenario details and SLO verdicts
//   <step>.json, <step>-corrected.hgrm, <step>-raw.hgrm, <step>-series.csv   per load step
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeRunDir, writeLoadResult } from '../run-output.ts';
import type { LoadResult } from '../load-result.ts';
import type { SeriesRow } from '../series.ts';

export function seriesCsv(rows: readonly SeriesRow[], secondOffset = 0): string {
  const lines = ['second,sent,ok,errors,latencyMsP50,latencyMsP99'];
  for (const r of rows) lines.push([r.second + secondOffset, r.sent, r.ok, r.errors, r.latencyMsP50 ?? '', r.latencyMsP99 ?? ''].join(','));
  return `${lines.join('\n')}\n`;
}

export class RunFolder {
  private constructor(readonly dir: string) {}

  static async create(name: string): Promise<RunFolder> {
    return new RunFolder(await makeRunDir(`bench-${name}`));
  }

  async writeJson(file: string, value: unknown): Promise<void> {
    await writeFile(join(this.dir, file), `${JSON.stringify(value, null, 2)}\n`);
  }

  async writeText(file: string, text: string): Promise<void> {
    await writeFile(join(this.dir, file), text);
  }

  /** A load step's raw material: the full LoadResult JSON, both .hgrm files and the series. */
  async writeStep(step: string, result: LoadResult): Promise<void> {
    await writeLoadResult(this.dir, step, result);
    await this.writeText(`${step}-series.csv`, seriesCsv(result.series));
  }
}
