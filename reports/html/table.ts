import type { Table } from '../model/report-model.ts';
import { esc } from './escape.ts';

export function tableHtml(t: Table): string {
  if (t.rows.length === 0) return t.caption ? `<p class="empty">${esc(t.caption)}</p>` : '';
  const num = new Set(t.numeric ?? []);
  const cls = (i: number) => (num.has(i) ? ' class="n"' : '');
  const head = `<tr>${t.head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr>`;
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${esc(c ?? '–')}</td>`).join('')}</tr>`).join('\n');
  return `<table>${t.caption ? `<caption>${esc(t.caption)}</caption>` : ''}<thead>${head}</thead><tbody>${rows}</tbody></table>`;
}
