// Grafana beside `just monitoring`'s Prometheus: a local `grafana-server` (or `grafana server`)
// when one is on PATH, provisioned from monitoring/grafana/ into a work dir of its own; or a
// Grafana the user already runs (GRAFANA_URL), which we only check and point to. Grafana is not
// packaged for Debian or npm, so on machines without it this says so and Prometheus runs alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { monitoringDir } from './prometheus-workdir.ts';

export interface GrafanaCommand {
  readonly bin: string;
  /** `grafana server` (Grafana 10+) or the older `grafana-server`. */
  readonly args: readonly string[];
  readonly homepath: string;
}

function executable(path: string): boolean {
  try { accessSync(path, constants.X_OK); return true; } catch { return false; }
}

/** GRAFANA_BIN, else `grafana` or `grafana-server` on PATH, with the homepath its package uses. */
export function findGrafana(env: NodeJS.ProcessEnv = process.env): GrafanaCommand | null {
  const homepath = env.GRAFANA_HOME || '/usr/share/grafana';
  if (env.GRAFANA_BIN) return executable(env.GRAFANA_BIN) ? { bin: env.GRAFANA_BIN, args: env.GRAFANA_BIN.endsWith('grafana-server') ? [] : ['server'], homepath } : null;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (executable(join(dir, 'grafana'))) return { bin: join(dir, 'grafana'), args: ['server'], homepath };
    if (executable(join(dir, 'grafana-server'))) return { bin: join(dir, 'grafana-server'), args: [], homepath };
  }
  return null;
}

export interface GrafanaWorkdir {
  readonly dir: string;
  readonly provisioningDir: string;
  readonly dashboardsDir: string;
  readonly env: Record<string, string>;
}

/**
 * The provisioning of monitoring/grafana/ laid out for a Grafana on this host: the datasource
 * pointed at our Prometheus, the dashboard provider at a copy of the dashboards (the committed
 * provider names the path a container mounts). Anonymous viewing, so a link opens without login.
 */
export function prepareGrafanaWorkdir(dir: string, prometheusUrl: string, port: number): GrafanaWorkdir {
  const provisioningDir = join(dir, 'provisioning');
  const dashboardsDir = join(dir, 'dashboards');
  mkdirSync(join(provisioningDir, 'dashboards'), { recursive: true });
  mkdirSync(join(provisioningDir, 'datasources'), { recursive: true });
  cpSync(join(monitoringDir, 'grafana', 'dashboards'), dashboardsDir, { recursive: true });
  cpSync(join(monitoringDir, 'grafana', 'provisioning', 'datasources'), join(provisioningDir, 'datasources'), { recursive: true });
  writeFileSync(join(provisioningDir, 'dashboards', 'raft-chaos.yml'), [
    'apiVersion: 1', 'providers:', '  - name: raft-chaos', '    folder: Raft chaos', '    type: file', '    disableDeletion: true',
    '    updateIntervalSeconds: 10', '    options:', `      path: ${JSON.stringify(dashboardsDir)}`, '',
  ].join('\n'));
  return {
    dir, provisioningDir, dashboardsDir,
    env: {
      PROMETHEUS_URL: prometheusUrl,
      GF_PATHS_PROVISIONING: provisioningDir, GF_PATHS_DATA: join(dir, 'data'), GF_PATHS_LOGS: join(dir, 'logs'),
      GF_SERVER_HTTP_ADDR: '127.0.0.1', GF_SERVER_HTTP_PORT: String(port),
      GF_AUTH_ANONYMOUS_ENABLED: 'true', GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer', GF_ANALYTICS_REPORTING_ENABLED: 'false',
    },
  };
}

export function startGrafana(cmd: GrafanaCommand, w: GrafanaWorkdir): ChildProcess {
  return spawn(cmd.bin, [...cmd.args, '--homepath', cmd.homepath], { env: { ...process.env, ...w.env }, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** A Grafana the user runs: its /api/health, in one line for the console. */
export async function grafanaHealth(url: string): Promise<string> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/api/health`, { signal: AbortSignal.timeout(3000) });
    const body = await res.json() as { database?: string; version?: string };
    return res.ok ? `Grafana ${body.version ?? '?'} at ${url} answers (database ${body.database ?? '?'})` : `Grafana at ${url} answered ${res.status}`;
  } catch (err) {
    return `Grafana at ${url} does not answer (${(err as Error).message}); reports still link to it`;
  }
}
