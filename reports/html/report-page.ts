// One run's page: headline and verdict first (what a reader who reads nothing else needs),
// then how to reproduce it, the figures, the checks, the configuration and the raw files.
import type { ReportModel } from '../model/report-model.ts';
import { clientCss, clientScript, inlineScript, uplotCss, uplotScript } from './assets.ts';
import { counterexampleSvg } from './counterexample-svg.ts';
import { esc, href, jsonForScript } from './escape.ts';
import { tableHtml } from './table.ts';

export function pageShell(title: string, body: string, data: unknown): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${uplotCss()}</style>
<style>${clientCss()}</style>
</head>
<body>
<main>
${body}
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${inlineScript(uplotScript())}</script>
<script>${inlineScript(clientScript())}</script>
</body>
</html>
`;
}

const verdictWord: Record<ReportModel['verdict'], string> = {
  valid: 'valid', invalid: 'INVALID', unknown: 'unknown', passed: 'SLO passed', failed: 'SLO FAILED', none: 'no gate',
};

const rawFiles = /\.(jsonl|json|hgrm|csv|edn|log|txt)$/;

export function reportHtml(m: ReportModel, opts: { indexHref?: string } = {}): string {
  const out: string[] = [];
  out.push(`<p class="meta"><a href="${esc(opts.indexHref ?? '../index.html')}">← all runs</a> · ${esc(m.id)}</p>`);
  out.push(`<h1>${esc(m.title)} <span class="badge ${m.verdict}" id="verdict">${esc(verdictWord[m.verdict])}</span></h1>`);
  if (m.startedAt) out.push(`<p class="meta">started ${esc(m.startedAt)}</p>`);
  out.push(`<div class="headline ${m.verdict}" id="headline">${esc(m.headline)}`);
  if (m.reasons.length > 0) out.push(`<ul class="reasons">${m.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`);
  out.push('</div>');
  if (m.grafana && m.grafana.length > 0) out.push(`<p class="meta" id="grafana">Grafana at this run's time range: ${m.grafana.map((l) => `<a href="${esc(l.href)}" rel="noopener">${esc(l.title)}</a>`).join(' · ')}</p>`);
  if (m.notes.length > 0) out.push(`<ul class="notes">${m.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  if (m.reproduce) out.push(`<h2 id="reproduce">Reproduce</h2><pre class="cmd">${esc(m.reproduce)}</pre>`);
  const toc = [...m.sections.map((s) => [s.id, s.title]), ...(m.checks.length ? [['checks', 'Checks']] : []), ['config', 'Configuration'], ['files', 'Raw files']];
  out.push(`<nav class="toc">${toc.map(([id, t]) => `<a href="#${esc(id)}">${esc(t)}</a>`).join('')}</nav>`);

  for (const s of m.sections) {
    out.push(`<h2 id="${esc(s.id)}">${esc(s.title)}</h2>`);
    if (s.intro) out.push(`<p class="intro">${esc(s.intro)}</p>`);
    for (const c of s.charts ?? []) out.push(`<div class="chart" id="chart-${esc(c)}"></div>`);
    for (const t of s.tables ?? []) out.push(tableHtml(t));
    if (s.html) out.push(s.html);
  }

  if (m.checks.length > 0) {
    out.push('<h2 id="checks">Checks</h2><p class="intro">What the checkers found in the history and the final logs. The verdict is invalid if any check is invalid, else unknown if any could not decide, else valid.</p>');
    out.push('<table><thead><tr><th>check</th><th>result</th><th>reason</th><th>details</th></tr></thead><tbody>');
    for (const c of m.checks) {
      const word = c.valid === true ? 'valid' : c.valid === false ? 'invalid' : 'unknown';
      const details = Object.entries(c.details).filter(([k]) => k !== 'counterexample').map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ');
      out.push(`<tr><td>${esc(c.name)}</td><td><span class="badge ${word}">${word}</span></td><td>${esc(c.reason ?? '')}</td><td>${esc(details)}</td></tr>`);
    }
    out.push('</tbody></table>');
    for (const c of m.checks) {
      const cx = c.details.counterexample;
      if (c.valid === false && cx !== undefined && !m.counterexamples.some((v) => v.checker === c.name)) {
        out.push(`<h3>${esc(c.name)}: counterexample</h3><pre>${esc(JSON.stringify(cx, null, 2).slice(0, 20_000))}</pre>`);
      }
    }
    for (const cx of m.counterexamples) {
      out.push(`<h3 id="counterexample-${esc(cx.checker)}">${esc(cx.checker)}: counterexample</h3>`);
      out.push('<p class="intro">The operations around the point where no legal order exists, one lane per client process, each from its call to its return.</p>');
      out.push(counterexampleSvg(cx));
      out.push(`<pre>${esc(cx.text)}</pre>`);
    }
  }

  out.push('<h2 id="config">Configuration</h2>');
  out.push(tableHtml({ head: ['setting', 'value'], rows: m.config }));

  out.push('<h2 id="files">Raw files</h2><p class="files">');
  for (const f of m.files.filter((f) => f !== 'index.html')) out.push(`<a href="${href(f)}"${rawFiles.test(f) ? '' : ' download'}>${esc(f)}</a>`);
  out.push('</p>');
  return pageShell(`${m.title} — ${m.verdict}`, out.join('\n'), { charts: m.charts });
}
