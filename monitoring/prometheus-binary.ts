import { accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PrometheusWorkdir } from './prometheus-workdir.ts';

export class PrometheusMissingError extends Error {
  readonly code = 'PROMETHEUS_MISSING';
}

/** Debian's package path; PROMETHEUS_BIN overrides it (a tarball install, or a test). */
export function prometheusBinary(env: NodeJS.ProcessEnv = process.env): string {
  const bin = env.PROMETHEUS_BIN || '/usr/bin/prometheus';
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new PrometheusMissingError(`${bin} not found or not executable; install it with: apt-get install -y prometheus`);
  }
  return bin;
}

/** promtool ships beside prometheus in the same package. */
export function promtoolBinary(env: NodeJS.ProcessEnv = process.env): string {
  const bin = join(dirname(prometheusBinary(env)), 'promtool');
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new PrometheusMissingError(`${bin} not found or not executable; install it with: apt-get install -y prometheus`);
  }
  return bin;
}

export function prometheusArgs(w: PrometheusWorkdir, listen: { host: string; port: number }): string[] {
  return [
    `--config.file=${w.configFile}`,
    `--storage.tsdb.path=${w.tsdbDir}`,
    `--web.listen-address=${listen.host}:${listen.port}`,
    // Lets a test or a user reload targets/rules (POST /-/reload) without a restart.
    '--web.enable-lifecycle',
    // Chaos runs are looked at the same day; a week bounds the disk a forgotten instance uses.
    '--storage.tsdb.retention.time=7d',
  ];
}
