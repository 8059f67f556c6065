// Where a step's time and CPU went inside the cluster, read around the step from outside:
// - CPU of each local process (/proc/<pid>/stat utime+stime), as percent of one core
// - from each node's /metrics: fsync batches and their mean time, proposals and their mean
//   propose -> commit time; from the gateway's: coalesced batches and writes per batch, and the
//   mean write time as the gateway saw it.
// - from every process's /metrics (prom-client's nodejs_gc_duration_seconds): how many GC pauses
//   it took, their mean, and the share of the step it spent paused. A pause holds every request
//   in that process, so this is where a tail with no slow disk and no busy core often comes from.
// Means come from Prometheus histogram _sum/_count differences, the only exact figures those
// histograms give; the client-side HDR histograms remain the latency of record.
import { readFileSync } from 'node:fs';

export interface UsageSource {
  /** Local processes of the cluster (empty for a remote target). */
  processes: { name: string; pid: number }[];
  /** /metrics endpoints: every node and the gateway. */
  metrics: { name: string; url: string }[];
}

interface Snapshot { atMs: number; cpuTicks: Map<string, number>; metrics: Map<string, string> }

export interface ProcessUsage { name: string; cpuPercent: number }
export interface NodeUsage { name: string; fsyncs: number; fsyncMeanMs: number | null; proposals: number; proposeCommitMeanMs: number | null }
export interface GatewayUsage { writes: number; writeMeanMs: number | null; batches: number; writesPerBatch: number | null; leaderChanges: number; retries: number }
export interface GcUsage { name: string; pauses: number; pauseMeanMs: number | null; pausedPercent: number }
export interface ClusterUsage { wallMs: number; processes: ProcessUsage[]; nodes: NodeUsage[]; gateway: GatewayUsage | null; gc: GcUsage[] }

/** Linux reports utime/stime in clock ticks, 100 per second on every common configuration. */
const ticksPerSecond = 100;

function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

async function metricsText(url: string): Promise<string | null> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : null;
  } catch {
    return null;
  }
}

export async function snapshotUsage(src: UsageSource, now: () => number): Promise<Snapshot> {
  const cpu = new Map<string, number>();
  for (const p of src.processes) {
    const t = cpuTicks(p.pid);
    if (t !== null) cpu.set(p.name, t);
  }
  const texts = await Promise.all(src.metrics.map(async (m) => [m.name, await metricsText(m.url)] as const));
  const metrics = new Map<string, string>();
  for (const [name, text] of texts) if (text !== null) metrics.set(name, text);
  return { atMs: now(), cpuTicks: cpu, metrics };
}

/** Sum of a metric's samples over all label sets that contain `labels` (e.g. 'route="write"'). */
export function metricSum(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m === null || m[1] !== name || (labels !== '' && !(m[2] ?? '').includes(labels))) continue;
    const v = Number(m[3]);
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}

function delta(a: string | undefined, b: string | undefined, name: string, labels = ''): number {
  if (a === undefined || b === undefined) return 0;
  return metricSum(b, name, labels) - metricSum(a, name, labels);
}

const meanMs = (sumSeconds: number, count: number): number | null => (count > 0 ? (sumSeconds / count) * 1000 : null);

export function usageBetween(a: Snapshot, b: Snapshot): ClusterUsage {
  const wallMs = b.atMs - a.atMs;
  const processes: ProcessUsage[] = [];
  for (const [name, after] of b.cpuTicks) {
    const before = a.cpuTicks.get(name);
    if (before !== undefined && wallMs > 0) processes.push({ name, cpuPercent: ((after - before) / ticksPerSecond) * 1000 / wallMs * 100 });
  }
  const nodes: NodeUsage[] = [];
  let gateway: GatewayUsage | null = null;
  const gc: GcUsage[] = [];
  for (const [name, after] of b.metrics) {
    const before = a.metrics.get(name);
    const pauses = delta(before, after, 'nodejs_gc_duration_seconds_count');
    const pausedSeconds = delta(before, after, 'nodejs_gc_duration_seconds_sum');
    if (pauses > 0 && wallMs > 0) gc.push({ name, pauses, pauseMeanMs: meanMs(pausedSeconds, pauses), pausedPercent: (pausedSeconds * 1000 / wallMs) * 100 });
    if (name === 'gateway') {
      const writes = delta(before, after, 'gateway_http_request_duration_seconds_count', 'route="write"');
      const batches = delta(before, after, 'gateway_batch_ops_count');
      gateway = {
        writes, writeMeanMs: meanMs(delta(before, after, 'gateway_http_request_duration_seconds_sum', 'route="write"'), writes),
        batches, writesPerBatch: batches > 0 ? delta(before, after, 'gateway_batch_ops_sum') / batches : null,
        leaderChanges: delta(before, after, 'gateway_leader_changes_total'), retries: delta(before, after, 'gateway_retries_total'),
      };
    } else {
      const fsyncs = delta(before, after, 'raft_fsync_seconds_count');
      const proposals = delta(before, after, 'raft_propose_commit_seconds_count');
      nodes.push({
        name, fsyncs, fsyncMeanMs: meanMs(delta(before, after, 'raft_fsync_seconds_sum'), fsyncs),
        proposals, proposeCommitMeanMs: meanMs(delta(before, after, 'raft_propose_commit_seconds_sum'), proposals),
      });
    }
  }
  return { wallMs, processes, nodes, gateway, gc };
}

const ms = (v: number | null): string => (v === null ? '-' : `${v.toFixed(2)} ms`);

export function formatUsage(u: ClusterUsage): string[] {
  const lines: string[] = [];
  if (u.processes.length > 0) lines.push(`  cluster cpu  ${u.processes.map((p) => `${p.name} ${p.cpuPercent.toFixed(0)}%`).join(', ')} (of one core each)`);
  for (const n of u.nodes) {
    if (n.fsyncs === 0 && n.proposals === 0) continue;
    lines.push(`  ${n.name.padEnd(11)}  ${n.fsyncs} fsyncs, mean ${ms(n.fsyncMeanMs)}${n.proposals > 0 ? `; ${n.proposals} proposals, propose->commit mean ${ms(n.proposeCommitMeanMs)}` : ''}`);
  }
  if (u.gc.length > 0) {
    lines.push(`  gc pauses    ${u.gc.map((p) => `${p.name} ${p.pauses} x ${ms(p.pauseMeanMs)} (${p.pausedPercent.toFixed(1)}% of the time)`).join(', ')}`);
  }
  const g = u.gateway;
  if (g !== null && g.writes > 0) {
    lines.push(`  gateway      ${g.writes} writes, mean ${ms(g.writeMeanMs)}${g.batches > 0 ? `; ${g.batches} batches, ${g.writesPerBatch!.toFixed(1)} writes/batch` : ''}` +
      `${g.leaderChanges > 0 ? `; ${g.leaderChanges} leader changes` : ''}${g.retries > 0 ? `; ${g.retries} retries` : ''}`);
  }
  return lines;
}
