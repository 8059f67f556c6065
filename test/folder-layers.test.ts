// The folders' layering, checked on every import of every .ts file in the repo:
//
//   cluster/common < cluster/* < monitoring < reports < bench < chaos < cluster/containers < test
//
// Production code imports only its own layer or one below. Test code (*.test.ts, files under a
// test/ folder, *-test-kit.ts and test-*.ts helpers) sits above everything and may import any
// layer. No layer imports another in a cycle, nor do the folders of cluster (raft, node, ...).
// A violation names the file and line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const topFolders = ['cluster', 'chaos', 'bench', 'reports', 'monitoring', 'test'];
const layers = ['cluster/common', 'cluster', 'monitoring', 'reports', 'bench', 'chaos', 'cluster/containers', 'test'];

interface Import { readonly file: string; readonly line: number; readonly target: string }

function sourceFiles(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'runs' || name === 'data') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (name.endsWith('.ts')) out.push(relative(root, path));
  }
  return out;
}

// `import ... from '...'`, `export ... from '...'`, `import '...'` and `import('...')`, relative only.
const specifierPattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

export function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(\/\/|\*)/.test(line)) continue;
    for (const m of line.matchAll(specifierPattern)) {
      out.push({ file, line: i + 1, target: normalize(join(dirname(file), m[1]!)) });
    }
  }
  return out;
}

export function layerOf(file: string): string {
  if (file.startsWith('cluster/common/')) return 'cluster/common';
  if (file.startsWith('cluster/containers/')) return 'cluster/containers';
  return file.split('/')[0]!;
}

/** The unit a cycle is looked for at: a layer, and within cluster each of its folders (raft, node, ...). */
function unitOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'cluster' && parts.length > 2 ? `cluster/${parts[1]}` : parts[0]!;
}

export function isTestCode(file: string): boolean {
  const name = file.split('/').pop()!;
  return name.endsWith('.test.ts') || name.endsWith('-test-kit.ts') || name.startsWith('test-') || file.split('/').slice(0, -1).includes('test');
}

export function upwardImports(imports: readonly Import[]): string[] {
  const bad: string[] = [];
  for (const imp of imports) {
    if (isTestCode(imp.file)) continue;
    const from = layers.indexOf(layerOf(imp.file));
    const to = layers.indexOf(layerOf(imp.target));
    if (to < 0) bad.push(`${imp.file}:${imp.line} imports ${imp.target}, which is in no layer`);
    else if (to > from) bad.push(`${imp.file}:${imp.line} imports ${imp.target}: ${layerOf(imp.target)} is above ${layerOf(imp.file)}`);
  }
  return bad;
}

/** Cycles between units of production code, each named with one import that closes it. */
export function unitCycles(imports: readonly Import[]): string[] {
  const edges = new Map<string, Map<string, Import>>();
  for (const imp of imports) {
    if (isTestCode(imp.file)) continue;
    const a = unitOf(imp.file);
    const b = unitOf(imp.target);
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Map());
    if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, imp);
  }
  const found: string[] = [];
  const seen = new Set<string>();
  // Depth-first search from every unit; a back edge to a unit on the stack is a cycle.
  const visit = (unit: string, stack: string[]): void => {
    for (const [next, imp] of edges.get(unit) ?? []) {
      const at = stack.indexOf(next);
      if (at >= 0) {
        const ring = stack.slice(at);
        const first = ring.indexOf([...ring].sort()[0]!);
        const key = [...ring.slice(first), ...ring.slice(0, first)].join(' -> ');
        if (!seen.has(key)) { seen.add(key); found.push(`cycle ${[...ring, next].join(' -> ')}, closed by ${imp.file}:${imp.line}`); }
      } else if (stack.length < 12) {
        visit(next, [...stack, next]);
      }
    }
  };
  for (const unit of edges.keys()) visit(unit, [unit]);
  return found;
}

const files = topFolders.flatMap((f) => sourceFiles(join(root, f), []));
const imports = files.flatMap((f) => importsOf(f, readFileSync(join(root, f), 'utf8')));

test('the scan sees the repo: hundreds of files and imports across every layer', () => {
  assert.ok(files.length > 300, `${files.length} files`);
  assert.ok(imports.length > 1000, `${imports.length} imports`);
  for (const layer of layers) assert.ok(files.some((f) => layerOf(f) === layer), `no file in ${layer}`);
});

test('no production import goes up a layer', () => {
  const bad = upwardImports(imports);
  assert.equal(bad, [], bad.join('\n'));
});

test('no cycle between folders of production code', () => {
  const cycles = unitCycles(imports);
  assert.equal(cycles, [], cycles.join('\n'));
});

test('the checks catch what they are for: an upward import and a two-folder cycle', () => {
  const planted = [
    ...importsOf('cluster/raft/x.ts', "import { y } from '../../chaos/runner/y.ts';"),
    ...importsOf('cluster/raft/y.ts', "import type { Z } from '../node/z.ts';"),
    ...importsOf('cluster/node/z.ts', "export { y } from '../raft/y.ts';"),
    ...importsOf('chaos/runner/t.test.ts', "import '../../test/cluster-harness.ts';"),
  ];
  assert.equal(upwardImports(planted), ['cluster/raft/x.ts:1 imports chaos/runner/y.ts: chaos is above cluster']);
  assert.equal(unitCycles(planted).filter((c) => c.includes('cluster/node')).length, 1);
});

test.run();
