// Starts check-history without tsx: runs one JS bundle of check-history-cli.ts (esbuild), rebuilt
// first when it is missing or any source it came from is newer. tsx transpiling ~20 modules on
// every start cost more than judging a 2,000-op history (docs/perf/2026-12-07-checker-vs-porcupine.md).
// Plain JS on purpose: this file must run before anything is compiled.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outDir = join(here, '.build');
const bundle = join(outDir, 'check-history.mjs');
const inputsFile = join(outDir, 'check-history.inputs.json');

/** True when the bundle is missing or older than any of the files it was built from. */
function stale() {
  let builtMs;
  let inputs;
  try {
    builtMs = statSync(bundle).mtimeMs;
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
  } catch {
    return true;
  }
  for (const input of inputs) {
    try {
      if (statSync(join(root, input)).mtimeMs > builtMs) return true;
    } catch {
      return true;
    }
  }
  return false;
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: [relative(root, join(here, 'check-history-cli.ts'))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    metafile: true,
    write: false,
    logLevel: 'error',
    outfile: bundle,
  });
  mkdirSync(outDir, { recursive: true });
  // Write then rename: a concurrent start sees the old bundle or the new one, never half of one.
  const tag = `${process.pid}.${Date.now()}`;
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/'));
  writeFileSync(`${inputsFile}.${tag}`, JSON.stringify(inputs));
  writeFileSync(`${bundle}.${tag}`, result.outputFiles[0].contents);
  renameSync(`${bundle}.${tag}`, bundle);
  renameSync(`${inputsFile}.${tag}`, inputsFile);
}

if (process.argv[2] === '--build') {
  await build();
} else {
  if (stale()) await build();
  // A check is mostly over in 0.1-0.3 s: optimising every warm function costs more CPU than it
  // saves, so only the search's hot loop (30x V8's default budget of work) gets TurboFan.
  setFlagsFromString('--interrupt-budget=4000000');
  await import(pathToFileURL(bundle).href);
}
