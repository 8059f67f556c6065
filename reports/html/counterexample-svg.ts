// A counterexample drawn the way Knossos/Porcupine do: one lane per process, each op a bar from
// its call to its return (an unknown outcome runs to the right edge), the op the search got
// stuck on outlined. Server-side SVG: it needs no script and prints.
import type { CounterexampleView } from '../model/report-model.ts';
import { esc } from './escape.ts';

const laneHeightPx = 34;
const leftPx = 60;
const widthPx = 1000;

export function counterexampleSvg(cx: CounterexampleView): string {
  if (cx.ops.length === 0) return '';
  const processes = [...new Set(cx.ops.map((o) => o.process))].sort((a, b) => a - b);
  const t0 = Math.min(...cx.ops.map((o) => o.fromMs));
  const t1 = Math.max(...cx.ops.map((o) => o.toMs ?? o.fromMs)) + 1;
  const span = Math.max(1, t1 - t0);
  const x = (t: number) => leftPx + ((t - t0) / span) * (widthPx - leftPx - 20);
  const height = processes.length * laneHeightPx + 30;
  const color = { ok: '#a5d8ff', fail: '#ffc9c9', info: '#ffec99' } as const;
  const parts: string[] = [];
  processes.forEach((p, i) => parts.push(`<text x="4" y="${i * laneHeightPx + 22}">p${p}</text><line x1="${leftPx}" x2="${widthPx}" y1="${i * laneHeightPx + 30}" y2="${i * laneHeightPx + 30}" stroke="#eee"/>`));
  for (const op of cx.ops) {
    const lane = processes.indexOf(op.process);
    const x0 = x(op.fromMs);
    const x1 = op.toMs === null ? widthPx - 4 : Math.max(x0 + 3, x(op.toMs));
    const y = lane * laneHeightPx + 6;
    parts.push(`<g><title>${esc(op.label)} (${op.outcome}; ${op.fromMs.toFixed(1)}–${op.toMs === null ? 'never returned' : op.toMs.toFixed(1)} ms)</title>` +
      `<rect x="${x0.toFixed(1)}" y="${y}" width="${(x1 - x0).toFixed(1)}" height="22" rx="3" fill="${color[op.outcome]}" stroke="${op.blocking ? '#e03131' : '#868e96'}" stroke-width="${op.blocking ? 2.5 : 1}"/>` +
      `<text x="${(x0 + 4).toFixed(1)}" y="${y + 15}">${esc(op.label.length > 40 ? `${op.label.slice(0, 39)}…` : op.label)}</text></g>`);
  }
  parts.push(`<text x="${leftPx}" y="${height - 4}" fill="#6c757d">${esc(`time since the run started: ${(t0 / 1000).toFixed(3)} s → ${(t1 / 1000).toFixed(3)} s; red outline: the op no order can fit`)}</text>`);
  return `<svg class="cx" viewBox="0 0 ${widthPx} ${height}" width="100%" role="img" aria-label="counterexample of ${esc(cx.checker)}">${parts.join('')}</svg>`;
}
