import { readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<dataDir>/run/cluster.json`: what `up` started, so later commands (status, down, a chaos
 * runner) know the cluster's size, URLs and environment without being told again.
 */
export interface ClusterRecord {
  readonly nodeCount: number;
  readonly nodes: readonly { id: string; url: string }[];
  readonly gatewayUrl: string;
  readonly fsync: 'always' | 'never';
  /** The environment every child got on top of the caller's (see clusterEnv). */
  readonly env: Readonly<Record<string, string>>;
  readonly startedAtMs: number;
}

export function clusterRecordPath(runDir: string): string {
  return join(runDir, 'cluster.json');
}

export function readClusterRecord(runDir: string): ClusterRecord | null {
  try {
    return JSON.parse(readFileSync(clusterRecordPath(runDir), 'utf8')) as ClusterRecord;
  } catch {
    return null;
  }
}

export function writeClusterRecord(runDir: string, record: ClusterRecord): void {
  mkdirSync(runDir, { recursive: true });
  const path = clusterRecordPath(runDir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

export function removeClusterRecord(runDir: string): void {
  rmSync(clusterRecordPath(runDir), { force: true });
}
