// Writes monitoring/grafana/dashboards/*.json from the specs beside this file:
//   node --import tsx monitoring/grafana/build-dashboards.ts
// The JSON is committed so Grafana can provision it without Node; dashboards.test.ts fails when
// it differs from what this script would write.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from './dashboard-model.ts';
import { gatewayDashboard } from './gateway-dashboard.ts';
import { raftClusterDashboard } from './raft-cluster-dashboard.ts';
import { benchmarkDashboard, chaosExperimentDashboard } from './run-dashboards.ts';
import { clusterHealthDashboard, leaderElectionDashboard, replicationLagDashboard, writePerformanceDashboard } from './seed-dashboards.ts';

export const dashboardsDir = join(dirname(fileURLToPath(import.meta.url)), 'dashboards');

type Json = Record<string, unknown>;

/** Grafana wants a unique id per panel; the SDK's builders leave them to the caller. */
function numberPanels(d: Json): Json {
  let id = 1;
  const walk = (panels: Json[] | undefined): void => {
    for (const p of panels ?? []) { p.id = id++; walk(p.panels as Json[] | undefined); }
  };
  walk(d.panels as Json[] | undefined);
  return d;
}

const sdk = (make: () => { build(): unknown }) => () => numberPanels(JSON.parse(JSON.stringify(make().build())) as Json);

/** Every provisioned dashboard by file name. The first two predate the SDK (dashboard-model.ts). */
export const dashboardFiles: Readonly<Record<string, () => unknown>> = {
  'raft-cluster.json': () => buildDashboard(raftClusterDashboard),
  'gateway.json': () => buildDashboard(gatewayDashboard),
  'leader-election.json': sdk(leaderElectionDashboard),
  'cluster-health.json': sdk(clusterHealthDashboard),
  'write-performance.json': sdk(writePerformanceDashboard),
  'replication-lag.json': sdk(replicationLagDashboard),
  'chaos-experiment.json': sdk(chaosExperimentDashboard),
  'benchmark.json': sdk(benchmarkDashboard),
};

export function renderDashboard(make: () => unknown): string {
  return `${JSON.stringify(make(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, make] of Object.entries(dashboardFiles)) {
    writeFileSync(join(dashboardsDir, name), renderDashboard(make));
    console.log(`wrote ${join(dashboardsDir, name)}`);
  }
}
