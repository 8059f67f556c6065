// Grafana links carry the run's exact range and id, and appear only with a usable GRAFANA_URL.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grafanaBase, grafanaLinks } from './grafana-links.ts';

test('a chaos run links to its dashboards with from/to in ms and the run id', () => {
  const links = grafanaLinks('http://127.0.0.1:3000', 'chaos', '20261207-leader-kill', 1_765_000_000_123, 1_765_000_060_456.2);
  assert.equal(links.map((l) => l.title), ['Chaos experiment', 'Leader Election', 'Cluster Health', 'Replication Lag']);
  const u = new URL(links[0]!.href);
  assert.is(u.pathname, '/d/chaos-experiment/chaos-experiment');
  assert.is(u.searchParams.get('from'), '1765000000123');
  assert.is(u.searchParams.get('to'), '1765000060457');
  assert.is(u.searchParams.get('var-run_id'), '20261207-leader-kill');
});

test('no GRAFANA_URL, a bad one, or an unknown kind gives no link; a path prefix is kept', () => {
  assert.is(grafanaBase({}), null);
  assert.is(grafanaBase({ GRAFANA_URL: 'ftp://x' }), null);
  assert.is(grafanaBase({ GRAFANA_URL: 'not a url' }), null);
  assert.is(grafanaBase({ GRAFANA_URL: 'https://g.example:3000/grafana/' }), 'https://g.example:3000/grafana');
  assert.equal(grafanaLinks(null, 'chaos', 'r', 1, 2), []);
  assert.equal(grafanaLinks('http://g', 'other', 'r', 1, 2), []);
  assert.equal(grafanaLinks('http://g', 'bench', 'r', 5, 2), []);
  assert.match(grafanaLinks('http://h/grafana', 'bench', 'r', 1, 2)[0]!.href, /^http:\/\/h\/grafana\/d\/benchmark\/benchmark\?/);
});

test.run();
