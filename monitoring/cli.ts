// just monitoring [--port N] [--host H] [--grafana-port N]: Prometheus in the foreground, scraping
// the local cluster (and any chaos run or bench while it runs), with Grafana beside it when a
// grafana binary is on PATH; with GRAFANA_URL set, the Grafana there is checked and linked instead.
// The targets come from the running cluster's record (the size and ports `just up` used), or
// from the configuration when no cluster runs yet; Ctrl-C stops Prometheus and this process.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { intOption, parseCliArgs, runCli, UsageError } from '../cluster/common/cli-usage.ts';
import { loadConfig, type ClusterConfig } from '../cluster/config.ts';
import { readClusterRecord } from '../cluster/local/cluster-record.ts';
import { isPortFree } from '../cluster/local/port-check.ts';
import { findGrafana, grafanaHealth, prepareGrafanaWorkdir, startGrafana } from './grafana-server.ts';
import { prometheusArgs, prometheusBinary } from './prometheus-binary.ts';
import { preparePrometheusWorkdir } from './prometheus-workdir.ts';

class PortBusyError extends Error {
  readonly code = 'PORT_IN_USE';
}

/** The running cluster's own configuration when `just up` left a record, else the configured one. */
function clusterConfig(): { config: ClusterConfig; running: boolean } {
  const configured = loadConfig();
  const record = readClusterRecord(join(configured.dataDirAbs, 'run'));
  if (!record) return { config: configured, running: false };
  return { config: loadConfig({ ...process.env, ...record.env }), running: true };
}

await runCli(async () => {
  const { values, positionals } = parseCliArgs(process.argv.slice(2), { port: { type: 'string' }, host: { type: 'string' }, 'grafana-port': { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (options: --port N, --host H, --grafana-port N)`);
  const port = intOption('port', values.port ?? process.env.PROMETHEUS_PORT, 9090, 1, 65535);
  const grafanaPort = intOption('grafana-port', values['grafana-port'] ?? process.env.GRAFANA_PORT, 3000, 1, 65535);
  const host = values.host ?? '127.0.0.1';
  const bin = prometheusBinary();
  if (!(await isPortFree(port, host))) throw new PortBusyError(`port ${port} on ${host} is in use (another Prometheus?); choose one with --port N`);

  const { config, running } = clusterConfig();
  const workdir = preparePrometheusWorkdir(join(config.dataDirAbs, 'monitoring'), config);
  const nodes = config.nodes.map((n) => `${n.id}=${n.url}`).join(' ');
  console.log(`prometheus http://${host}:${port}  scraping ${nodes} gateway=http://${config.gateway.host}:${config.gateway.port}`);
  console.log(`  config ${workdir.configFile}  data ${workdir.tsdbDir}${running ? '' : '  (no local cluster is up: targets stay down until "just up")'}`);

  const child = spawn(bin, prometheusArgs(workdir, { host, port }), { stdio: 'inherit' });
  const grafana = await grafanaBeside(`http://${host}:${port}`, config.dataDirAbs, grafanaPort);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      stopping = true;
      // From a terminal Prometheus got the SIGINT too; a second one is harmless.
      child.kill(signal);
      grafana?.kill(signal);
    });
  }
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  grafana?.kill('SIGTERM');
  if (stopping) return 0;
  if (code !== 0) throw new Error(`prometheus exited with code ${code} (its log is above)`);
  return 0;
});

/** GRAFANA_URL: check and name it; else a local grafana binary, provisioned; else say why there is none. */
async function grafanaBeside(prometheusUrl: string, dataDir: string, grafanaPort: number) {
  if (process.env.GRAFANA_URL) {
    console.log(`  ${await grafanaHealth(process.env.GRAFANA_URL)}; dashboards: monitoring/grafana/dashboards/ (datasource uid raft-chaos-prometheus, url ${prometheusUrl})`);
    return null;
  }
  const cmd = findGrafana();
  if (cmd === null) {
    console.log('  no grafana binary on PATH (GRAFANA_BIN), and no GRAFANA_URL: Prometheus runs alone. Grafana is not packaged for Debian or npm; see monitoring/README.md.');
    return null;
  }
  if (!(await isPortFree(grafanaPort, '127.0.0.1'))) throw new PortBusyError(`Grafana's port ${grafanaPort} is in use; choose one with --grafana-port N`);
  const w = prepareGrafanaWorkdir(join(dataDir, 'monitoring', 'grafana'), prometheusUrl, grafanaPort);
  console.log(`grafana http://127.0.0.1:${grafanaPort}  (${cmd.bin}, provisioning ${w.provisioningDir}); set GRAFANA_URL=http://127.0.0.1:${grafanaPort} for report links`);
  return startGrafana(cmd, w);
}
