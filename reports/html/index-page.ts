// reports/runs/index.html: every run with its verdict and key figures, newest first.
import type { RunRow } from '../model/run-list.ts';
import { esc, href } from './escape.ts';
import { pageShell } from './report-page.ts';

export function indexHtml(rows: readonly RunRow[]): string {
  const out: string[] = [];
  out.push('<h1>Runs</h1>');
  out.push(`<p class="meta">${rows.length} run folders in reports/runs. Chaos verdicts: valid / invalid / unknown; bench verdicts: the SLO gate. Re-render one with <code>npx just report &lt;run-dir&gt;</code>; compare two with <code>npx just report compare &lt;runA&gt; &lt;runB&gt;</code>.</p>`);
  out.push('<table id="runs"><thead><tr><th>date</th><th>kind</th><th>experiment / scenario</th><th>verdict</th><th>key figures</th><th>folder</th></tr></thead><tbody>');
  for (const r of rows) {
    const link = r.hasReport ? `${href(r.id)}/index.html` : `${href(r.id)}/`;
    const figures = Object.entries(r.figures).map(([k, v]) => `${k} ${v}`).join(' · ');
    out.push(`<tr data-run="${esc(r.id)}"><td>${esc(r.startedAt?.replace('T', ' ').replace(/\.\d+Z$/, 'Z') ?? '')}</td><td>${esc(r.kind)}</td>` +
      `<td><a href="${link}">${esc(r.name)}</a></td><td><span class="badge ${r.verdict}">${esc(r.verdict)}</span></td><td>${esc(figures)}</td>` +
      `<td class="meta">${esc(r.id)}${r.hasReport ? '' : ' (no report yet)'}</td></tr>`);
  }
  out.push('</tbody></table>');
  return pageShell('Runs', out.join('\n'), { charts: [] });
}
