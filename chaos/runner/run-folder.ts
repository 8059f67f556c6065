import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `reports/runs/<timestamp>-<experiment>/`: one folder per run, never reused. */
export function createRunFolder(runsDir: string, experiment: string, startedAtMs: number): string {
  const stamp = new Date(startedAtMs).toISOString().replace(/[:.]/g, '-');
  mkdirSync(runsDir, { recursive: true });
  for (let n = 0; ; n++) {
    const dir = join(runsDir, `${stamp}-${experiment}${n === 0 ? '' : `-${n}`}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

export function writeJson(dir: string, name: string, value: unknown): void {
  writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
}

export function writeJsonl(dir: string, name: string, rows: readonly unknown[]): void {
  writeFileSync(join(dir, name), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
