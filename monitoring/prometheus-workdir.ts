import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterConfig } from '../cluster/config.ts';
import { scrapeTargets, type TargetGroup } from './scrape-targets.ts';

export const monitoringDir = dirname(fileURLToPath(import.meta.url));

export interface PrometheusWorkdir {
  readonly dir: string;
  readonly configFile: string;
  readonly rulesDir: string;
  readonly targetsDir: string;
  readonly tsdbDir: string;
}

/** Atomic, so Prometheus's file watcher never reads half a targets file. */
function writeJson(path: string, groups: readonly TargetGroup[]): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(groups, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/**
 * Lays out `dir` as prometheus.yml expects it: a verbatim copy of monitoring/prometheus.yml and
 * monitoring/rules/*.yml beside targets/ generated from `config`, and the TSDB in tsdb/. Copies
 * (not the originals) so clusters in different data dirs, and tests, never share a targets file.
 * Calling it again rewrites the targets; the TSDB is kept.
 */
export function preparePrometheusWorkdir(dir: string, config: ClusterConfig): PrometheusWorkdir {
  const w: PrometheusWorkdir = {
    dir, configFile: join(dir, 'prometheus.yml'), rulesDir: join(dir, 'rules'),
    targetsDir: join(dir, 'targets'), tsdbDir: join(dir, 'tsdb'),
  };
  for (const d of [w.rulesDir, w.targetsDir, w.tsdbDir]) mkdirSync(d, { recursive: true });
  copyFileSync(join(monitoringDir, 'prometheus.yml'), w.configFile);
  for (const name of readdirSync(join(monitoringDir, 'rules'))) {
    if (name.endsWith('.yml')) copyFileSync(join(monitoringDir, 'rules', name), join(w.rulesDir, name));
  }
  const targets = scrapeTargets(config);
  writeJson(join(w.targetsDir, 'raft-node.json'), targets.raftNode);
  writeJson(join(w.targetsDir, 'gateway.json'), targets.gateway);
  // A running chaos run or bench owns its file (metrics-endpoint.ts); otherwise an empty list, so
  // the job exists with no target instead of a file_sd read error.
  for (const job of ['chaos-runner', 'bench']) {
    if (!existsSync(join(w.targetsDir, `${job}.json`))) writeJson(join(w.targetsDir, `${job}.json`), []);
  }
  return w;
}
