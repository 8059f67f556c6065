// The committed dashboard JSON is what the specs generate, and it is well formed for Grafana:
// unique ids, panels on the 24-column grid without overlap, every query on the provisioned
// datasource. (Whether each query works is live-queries.test.ts's job.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dashboardQueries, expandGrafanaVariables } from '../dashboard-queries.ts';
import { dashboardFiles, dashboardsDir, renderDashboard } from './build-dashboards.ts';
import { datasource } from './dashboard-model.ts';

interface Panel {
  id: number; type: string; title: string; description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: { datasource: { uid: string }; expr: string; refId: string }[];
}

const provisioningDir = join(dashboardsDir, '..', 'provisioning');
const load = (name: string) => JSON.parse(readFileSync(join(dashboardsDir, name), 'utf8')) as { uid: string; title: string; panels: Panel[] };

test('the committed JSON is exactly what build-dashboards.ts writes (run it after editing a spec)', () => {
  assert.equal(readdirSync(dashboardsDir).filter((n) => n.endsWith('.json')).sort(), Object.keys(dashboardFiles).sort());
  for (const [name, make] of Object.entries(dashboardFiles)) assert.is(readFileSync(join(dashboardsDir, name), 'utf8'), renderDashboard(make), name);
});

test('the dashboards are the ones the product promises (the seed\'s four, chaos, benchmark), with distinct uids', () => {
  const all = Object.keys(dashboardFiles).map(load);
  assert.equal(all.map((d) => d.title).sort(), ['Benchmark', 'Chaos experiment', 'Cluster Health', 'Gateway', 'Leader Election', 'Raft cluster', 'Replication Lag', 'Write Performance']);
  assert.is(new Set(all.map((d) => d.uid)).size, all.length);
});

test('panel ids are unique and panels fit the grid without overlapping', () => {
  for (const name of Object.keys(dashboardFiles)) {
    const { panels } = load(name);
    assert.is(new Set(panels.map((p) => p.id)).size, panels.length, `${name}: duplicate panel id`);
    const cells = new Set<string>();
    for (const p of panels) {
      const { x, y, w, h } = p.gridPos;
      assert.ok(x >= 0 && w > 0 && x + w <= 24 && h > 0, `${name} / ${p.title}: ${JSON.stringify(p.gridPos)}`);
      for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
        assert.not.ok(cells.has(`${i},${j}`), `${name} / ${p.title} overlaps another panel at ${i},${j}`);
        cells.add(`${i},${j}`);
      }
    }
  }
});

test('every non-row panel says what it shows and queries the provisioned datasource', () => {
  const provisioned = readFileSync(join(provisioningDir, 'datasources', 'prometheus.yml'), 'utf8');
  assert.match(provisioned, new RegExp(`^\\s*uid: ${datasource.uid}$`, 'm'));
  for (const name of Object.keys(dashboardFiles)) {
    for (const p of load(name).panels.filter((p) => p.type !== 'row')) {
      assert.ok(p.description && p.description.length > 10, `${p.title}: description`);
      assert.ok((p.targets ?? []).length > 0, `${p.title}: no query`);
      assert.is(p.datasource?.uid, datasource.uid);
      for (const t of p.targets ?? []) assert.is(t.datasource.uid, datasource.uid, `${p.title} / ${t.refId}`);
    }
  }
});

test('every expression uses only Grafana variables the live test can expand', () => {
  for (const name of Object.keys(dashboardFiles)) {
    for (const q of dashboardQueries(load(name))) {
      const expanded = expandGrafanaVariables(q.expr, 1);
      assert.not.match(expanded, /\$/, q.source);
    }
  }
  assert.throws(() => expandGrafanaVariables('rate(x[$__range])', 1), /unknown Grafana variable/);
  assert.is(expandGrafanaVariables('rate(x[$__rate_interval])', 1), 'rate(x[4s])');
  assert.is(expandGrafanaVariables('rate(x[$__rate_interval])', 15), 'rate(x[16s])');
});

test('every dashboard carries the fault-window and leader-change annotations (all are time-based)', () => {
  assert.is(Object.keys(dashboardFiles).length, 8);
  for (const name of Object.keys(dashboardFiles)) {
    const d = JSON.parse(readFileSync(join(dashboardsDir, name), 'utf8')) as { annotations: { list: { name: string; expr: string }[] } };
    const byName = new Map(d.annotations.list.map((a) => [a.name, a.expr]));
    assert.is(byName.get('Fault windows'), 'chaos_fault_active == 1', name);
    assert.ok(byName.get('Leader changes'), name);
  }
});

test('the dashboard provider loads the folder a container mounts the JSON into', () => {
  const providers = readFileSync(join(provisioningDir, 'dashboards', 'dashboards.yml'), 'utf8');
  assert.match(providers, /^\s*path: \/var\/lib\/grafana\/dashboards\/raft-chaos$/m);
});

test.run();
