// Runs every *.test.ts file in its own process (tests start real processes and ports, so
// isolation matters more than speed), sums uvu's per-file totals and ends with the line
// `N passed, N failed[, N skipped]` that uvu does not print itself. A test that skips prints a
// line `[skip] <reason>`; the reasons are listed per file.
// Usage: npm test [-- <substring> ...]   (only files whose path contains a substring);
// npm test runs tools/test-setup.sh first (TEST_SETUP=skip skips it).
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Wraps uvu's before hooks so their errors are printed and counted (uvu swallows them).
const hookErrorsPreload = new URL('./hook-errors.ts', import.meta.url).href;
const hookErrorMarker = '[before-hook failed]';
const roots = ['cluster', 'chaos', 'bench', 'reports', 'monitoring', 'test'];
const fileTimeoutMs = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 600_000);

function findTests(dir: string, out: string[]): void {
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  for (const name of names.sort()) {
    if (name === 'node_modules' || name === 'runs' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
}

interface FileResult { file: string; passed: number; failed: number; skipped: number; ms: number; note?: string }

function runFile(file: string): Promise<FileResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', hookErrorsPreload, file], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d; process.stdout.write(d); });
    child.stderr.on('data', (d: Buffer) => { output += d; process.stderr.write(d); });
    const timer = setTimeout(() => {
      output += `\n[run-all] ${file} exceeded ${fileTimeoutMs} ms, killed\n`;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }, fileTimeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      // eslint-disable-next-line no-control-regex
      const text = output.replace(/\x1b\[[0-9;]*m/g, '');
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? 0);
      const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? 0);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0);
      // uvu's Total counts the tests that ran; skipped ones are outside it.
      let failed = total - passed;
      let note: string | undefined;
      const reasons = [...text.matchAll(/^\[skip\] (.+)$/gm)].map((m) => m[1]!.trim());
      if (reasons.length > 0) note = `skipped: ${[...new Set(reasons)].join('; ')}`;
      // A before hook that threw (test/hook-errors.ts marks it): its tests never ran, each counts as failed.
      const hookError = text.split('\n').find((l) => l.startsWith(hookErrorMarker));
      if (hookError !== undefined) { failed = Math.max(failed, total - passed, 1); note = `before hook failed: ${hookError.slice(hookErrorMarker.length).trim()}`; }
      // A file that crashed, hung or exited non-zero without a failed test still counts as one failure.
      else if (code !== 0 && failed === 0) { failed = 1; note = `exit code ${code}`; }
      if (total === 0 && skipped === 0 && code === 0) { failed = 1; note = 'ran no test'; }
      resolve({ file: relative(root, file), passed, failed, skipped, ms: Date.now() - started, note });
    });
  });
}

const filters = process.argv.slice(2);
const files: string[] = [];
for (const r of roots) findTests(join(root, r), files);
const selected = files.filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (selected.length === 0) {
  console.error(`no test files match ${filters.join(' ') || '(any)'}`);
  process.exit(2);
}

const results: FileResult[] = [];
for (const file of selected) {
  console.log(`\n# ${relative(root, file)}`);
  results.push(await runFile(file));
}
console.log('\nper file:');
for (const r of results) {
  const mark = r.failed > 0 ? 'FAIL' : r.passed === 0 && r.skipped > 0 ? 'skip' : 'ok  ';
  console.log(`  ${mark} ${r.file}  passed ${r.passed}, failed ${r.failed}${r.skipped ? `, skipped ${r.skipped}` : ''}  ${(r.ms / 1000).toFixed(1)} s${r.note ? `  (${r.note})` : ''}`);
}
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
const skipped = results.reduce((s, r) => s + r.skipped, 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
