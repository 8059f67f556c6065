// just dashboard: the web UI on http://localhost:8000 (DASHBOARD_PORT, DASHBOARD_HOST).
// Which cluster: cluster/config.ts from the environment, or the `just up` cluster's own
// environment when its record exists. PROMETHEUS_URL and GRAFANA_URL say where those live.
import { join } from 'node:path';
import { runCli, UsageError } from '../../cluster/common/cli-usage.ts';
import { loadConfig, repoRoot, type ClusterConfig } from '../../cluster/config.ts';
import { readClusterRecord } from '../../cluster/local/cluster-record.ts';
import { createDashboardApp } from './app.ts';
import { ClusterPoller } from './cluster-poller.ts';

function clusterConfig(): ClusterConfig {
  const base = loadConfig();
  const record = readClusterRecord(join(base.dataDirAbs, 'run'));
  return record ? loadConfig({ ...process.env, ...record.env }) : base;
}

await runCli(async () => {
  const rawPort = process.env.DASHBOARD_PORT ?? '8000';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port < 1 || port > 65535) throw new UsageError(`DASHBOARD_PORT must be a port number, got "${rawPort}"`);
  const host = process.env.DASHBOARD_HOST ?? '127.0.0.1';
  const config = clusterConfig();
  const poller = new ClusterPoller(config);
  const app = createDashboardApp({
    config, poller,
    runsDir: process.env.REPORTS_RUNS_DIR ?? join(repoRoot, 'reports', 'runs'),
    prometheusUrl: (process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090').replace(/\/$/, ''),
    grafanaUrl: (process.env.GRAFANA_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, ''),
  });
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new UsageError(`port ${port} is in use; set DASHBOARD_PORT`) : err));
  });
  poller.start();
  console.log(`dashboard on http://${host === '127.0.0.1' ? 'localhost' : host}:${port} (gateway ${config.nodes.length} nodes, ${config.gateway.host}:${config.gateway.port})`);
  await new Promise<void>((resolve) => { process.once('SIGINT', () => resolve()); process.once('SIGTERM', () => resolve()); });
  poller.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return 0;
});
