// Starts check-history without tsx: runs one JS bundle of check-history-cli.ts (esbuild), rebuilt
// first when it is missing or any source it came from is newer. tsx transpiling ~20 modules on
// every start cost more than judging a 2,000-op history (docs/perf/2026-12-07-checker-vs-porcupine.md).
// The bundle is CommonJS run through vm.Script with V8's code cache, so later starts skip parsing
// and compiling it. Plain CommonJS on purpose: it runs before anything is compiled, and a CommonJS
// entry spares node's ESM loader (~15 ms of CPU).
'use strict';
const { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { createRequire } = Module;
const { join, relative } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const { Script } = require('node:vm');

const here = __dirname;
const root = join(here, '..', '..');
const outDir = join(here, '.build');
const bundle = join(outDir, 'check-history.cjs');
const inputsFile = join(outDir, 'check-history.inputs.json');
const codeCacheFile = join(outDir, 'check-history.code-cache');

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

/** Writes through a temporary name: a concurrent start sees the old file or the new one, never half of one. */
function replaceFile(path, contents) {
  const tmp = `${path}.${process.pid}.${Date.now()}`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: [relative(root, join(here, 'check-history-cli.ts'))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    // Only --format jsonl needs zod (load-history.ts imports it lazily): left out, it is required
    // from node_modules then, and the bundle every check parses is ~30 KB instead of ~480 KB.
    external: ['zod'],
    metafile: true,
    write: false,
    logLevel: 'error',
    outfile: bundle,
  });
  mkdirSync(outDir, { recursive: true });
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/'));
  rmSync(codeCacheFile, { force: true });
  replaceFile(bundle, result.outputFiles[0].contents);
  replaceFile(inputsFile, JSON.stringify(inputs));
}

function run() {
  const source = readFileSync(bundle, 'utf8');
  let cachedData;
  try {
    cachedData = readFileSync(codeCacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // Made at exit, so it holds every function this run compiled, not only the top level; only
    // by a run that judged a history (exit 0-2), or the cache would lack the search's functions.
    process.once('exit', (code) => {
      if (code > 2 || process.argv.includes('--help')) return;
      try {
        replaceFile(codeCacheFile, script.createCachedData());
      } catch {
        // A read-only checkout runs without the cache.
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, outDir);
}

async function main() {
  if (process.argv[2] === '--build') {
    await build();
    return;
  }
  if (stale()) {
    try {
      await build();
    } catch (e) {
      process.stderr.write(`check-history: cannot build ${bundle}: ${String(e.message).split('\n')[0]}\n`);
      process.exit(70);
    }
  }
  // A check is mostly over in 0.1-0.3 s: optimising every warm function costs more CPU than it
  // saves, so only the search's hot loop (30x V8's default budget of work) gets TurboFan.
  setFlagsFromString('--interrupt-budget=4000000');
  run();
}

main();
