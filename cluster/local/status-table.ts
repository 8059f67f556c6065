import { leaderOf, type GatewayStatus, type RaftStatus } from './cluster-probe.ts';
import type { ProcessInfo } from './process-manager.ts';

/** One row per node and a gateway line, for `status`. Pure: everything is fetched by the caller. */

export interface StatusInput {
  readonly nodes: readonly { id: string; url: string }[];
  readonly statuses: ReadonlyMap<string, RaftStatus | null>;
  readonly processes: ReadonlyMap<string, ProcessInfo>;
  readonly gatewayUrl: string;
  readonly gateway: GatewayStatus | null;
  readonly gatewayProcess: ProcessInfo | undefined;
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** up 1m02s | paused | down | stale pid (the pid now belongs to another process). */
export function processLabel(info: ProcessInfo | undefined): string {
  if (!info) return 'down';
  if (info.status === 'paused') return 'paused';
  if (info.status === 'running') return `up ${formatDuration(info.uptimeMs ?? 0)}`;
  if (info.status === 'stale') return 'down (stale pid)';
  return 'down';
}

export function formatStatusTable(input: StatusInput): string {
  const leader = leaderOf(input.statuses);
  const lagOf = new Map((leader?.peers ?? []).map((p) => [p.id, p.lagEntries]));
  const header = ['NODE', 'STATE', 'TERM', 'COMMIT', 'LAG', 'PID', 'PROCESS', 'URL'];
  const rows = input.nodes.map((n) => {
    const st = input.statuses.get(n.id) ?? null;
    const proc = input.processes.get(n.id);
    let lag = '-';
    if (st && leader && n.id !== leader.id) lag = String(lagOf.get(n.id) ?? '?');
    const state = st ? st.state : proc?.alive ? 'no answer' : '-';
    return [n.id, state, st ? String(st.term) : '-', st ? String(st.commitIndex) : '-', lag,
      proc?.alive ? String(proc.pid) : '-', processLabel(proc), n.url];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const gp = input.gatewayProcess;
  const g = input.gateway;
  const gatewayLeader = g ? `leader ${g.leaderId ?? g.leader ?? 'none'}${g.term != null ? ` term ${g.term}` : ''}` : 'no answer';
  const gatewayLine = `gateway  ${input.gatewayUrl}  ${gp?.alive ? `pid ${gp.pid} ` : ''}${processLabel(gp)}  ${gp?.alive ? gatewayLeader : ''}`.trimEnd();
  return [line(header), ...rows.map(line), gatewayLine].join('\n');
}
