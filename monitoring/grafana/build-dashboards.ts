// Writes monitoring/grafana/dashboards/*.json from the specs beside this file:
//   node --import tsx monitoring/grafana/build-dashboards.ts
// The JSON is committed so Grafana can provision it without Node; dashboards.test.ts fails when
// it differs from what this script would write.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDashboard, type DashboardSpec } from './dashboard-model.ts';
import { gatewayDashboard } from './gateway-dashboard.ts';
import { raftClusterDashboard } from './raft-cluster-dashboard.ts';

export const dashboardsDir = join(dirname(fileURLToPath(import.meta.url)), 'dashboards');

export const dashboardFiles: Readonly<Record<string, DashboardSpec>> = {
  'raft-cluster.json': raftClusterDashboard,
  'gateway.json': gatewayDashboard,
};

export function renderDashboard(spec: DashboardSpec): string {
  return `${JSON.stringify(buildDashboard(spec), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, spec] of Object.entries(dashboardFiles)) {
    writeFileSync(join(dashboardsDir, name), renderDashboard(spec));
    console.log(`wrote ${join(dashboardsDir, name)}`);
  }
}
