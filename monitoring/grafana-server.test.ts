// Grafana beside Prometheus: how a grafana binary is found, and the provisioning laid out for it
// (the datasource the dashboards name, the dashboards where the provider looks). Grafana itself
// cannot be installed on these machines; what it would load is checked here.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { datasource } from './grafana/dashboard-model.ts';
import { findGrafana, prepareGrafanaWorkdir } from './grafana-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'grafana-workdir-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('finds grafana-server or grafana on PATH, GRAFANA_BIN first, and nothing on an empty PATH', () => {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  assert.is(findGrafana({ PATH: bin }), null);
  writeFileSync(join(bin, 'grafana-server'), '#!/bin/sh\n');
  chmodSync(join(bin, 'grafana-server'), 0o755);
  assert.equal(findGrafana({ PATH: bin }), { bin: join(bin, 'grafana-server'), args: [], homepath: '/usr/share/grafana' });
  writeFileSync(join(bin, 'grafana'), '#!/bin/sh\n');
  chmodSync(join(bin, 'grafana'), 0o755);
  assert.equal(findGrafana({ PATH: bin, GRAFANA_HOME: '/opt/g' })?.args, ['server']);
  assert.is(findGrafana({ PATH: bin, GRAFANA_BIN: join(bin, 'missing') }), null);
});

test('the work dir provisions every dashboard and the datasource they name, pointed at our Prometheus', () => {
  const w = prepareGrafanaWorkdir(join(dir, 'g'), 'http://127.0.0.1:9091', 3001);
  const dashboards = readdirSync(w.dashboardsDir).filter((n) => n.endsWith('.json'));
  assert.ok(dashboards.includes('chaos-experiment.json') && dashboards.includes('leader-election.json'), dashboards.join(', '));
  const provider = readFileSync(join(w.provisioningDir, 'dashboards', 'raft-chaos.yml'), 'utf8');
  assert.match(provider, new RegExp(`path: "${w.dashboardsDir.replaceAll('/', '\\/')}"`));
  const ds = readFileSync(join(w.provisioningDir, 'datasources', 'prometheus.yml'), 'utf8');
  assert.match(ds, new RegExp(`uid: ${datasource.uid}`));
  assert.match(ds, /url: \$\{PROMETHEUS_URL\}/);
  assert.is(w.env.PROMETHEUS_URL, 'http://127.0.0.1:9091');
  assert.is(w.env.GF_SERVER_HTTP_PORT, '3001');
  assert.is(w.env.GF_SERVER_HTTP_ADDR, '127.0.0.1');
});

test.run();
