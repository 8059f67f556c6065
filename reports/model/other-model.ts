// Run folders that are neither a chaos run nor a bench CLI run (bench-raft, bench-proxy, ...):
// their results.json shown as is, and their files, so every folder in the index has a page.
import type { ReportModel } from './report-model.ts';
import type { OtherRunFiles } from './run-files.ts';

export function otherModel(rf: OtherRunFiles): ReportModel {
  const label = rf.id.replace(/^[0-9TZ:.-]+-(?=[a-z])/i, '');
  return {
    id: rf.id, kind: 'other', title: `Run: ${label}`, startedAt: null, verdict: 'none',
    headline: `${label}: a run folder without a chaos or bench-CLI run.json; its results are shown as stored.`,
    reasons: [], reproduce: null, config: [], charts: [], checks: [], counterexamples: [], files: rf.files, figures: {},
    notes: rf.results === null ? ['No results.json in this folder.'] : [],
    sections: rf.results === null ? [] : [{ id: 'results', title: 'results.json', html: `<pre class="json">${escapeForPre(JSON.stringify(rf.results, null, 2))}</pre>` }],
  };
}

function escapeForPre(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
