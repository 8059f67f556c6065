// The page's scripts and styles, read from disk at render time and inlined, so a report is one
// file that opens offline: uPlot from node_modules, ours from reports/client/.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ReportError } from '../errors.ts';

const require = createRequire(import.meta.url);
const cache = new Map<string, string>();

function read(path: string): string {
  let text = cache.get(path);
  if (text === undefined) {
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new ReportError('ASSET_MISSING', `cannot read ${path}; run npm ci`);
    }
    cache.set(path, text);
  }
  return text;
}

export function uplotScript(): string { return read(require.resolve('uplot/dist/uPlot.iife.min.js')); }
export function uplotCss(): string { return read(require.resolve('uplot/dist/uPlot.min.css')); }
export function clientScript(): string { return read(new URL('../client/report-charts.js', import.meta.url).pathname); }
export function clientCss(): string { return read(new URL('../client/report.css', import.meta.url).pathname); }

/** Inline script text must not contain "</script": split it so the HTML parser reads on. */
export function inlineScript(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script');
}
