// What a node's committed log says was applied, by the state machine's documented rule: the
// first command with a given (clientId, requestId) takes effect, a later one is a duplicate and
// changes nothing (Raft §8). Both log checks below read the log through this one view.
import type { StoredLog } from './run-checks.ts';

export interface AppliedCommand {
  readonly node: string;
  readonly index: number;
  readonly op: string;
  readonly clientId: string | null;
  readonly requestId: string | null;
  /** The workload's own id of the call, independent of ids a gateway may add or rewrite. */
  readonly callId: string | null;
}

/**
 * The workload's id for a command of this run: an append carries `data.slot` (the append
 * workload's slot), a register write/cas its unique value `v<slot>`; null for another run's.
 */
function callIdOf(command: Record<string, unknown>, clientId: string): string | null {
  if (command.op === 'append') {
    const data = command.data as Record<string, unknown> | null | undefined;
    if (typeof data !== 'object' || data === null || data.client !== clientId) return null;
    return typeof data.slot === 'number' || typeof data.slot === 'string' ? `append:${data.slot}` : null;
  }
  if ((command.op === 'put' || command.op === 'cas') && command.clientId === clientId && typeof command.value === 'string') {
    return `${command.op === 'put' ? 'write' : 'cas'}:${typeof command.key === 'string' ? command.key : ''}:${command.value}`;
  }
  return null;
}

/** This run's commands in one node's committed log that took effect, in log order. */
export function appliedCommands(log: StoredLog, clientId: string): AppliedCommand[] {
  const seen = new Set<string>();
  const out: AppliedCommand[] = [];
  for (const e of log.entries) {
    if (e.kind !== 'command' || e.command === null || typeof e.command !== 'object') continue;
    const c = e.command as Record<string, unknown>;
    const cid = typeof c.clientId === 'string' ? c.clientId : null;
    const rid = typeof c.requestId === 'string' ? c.requestId : null;
    if (cid !== null && rid !== null) {
      const key = `${cid}\u0000${rid}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    const callId = callIdOf(c, clientId);
    if (callId === null && cid !== clientId) continue;
    out.push({ node: log.node, index: e.index, op: String(c.op), clientId: cid, requestId: rid, callId });
  }
  return out;
}

/** Every (clientId, requestId) of this run that some committed log holds, for the fail check. */
export function committedRequestIds(logs: readonly StoredLog[], clientId: string): Map<string, { node: string; index: number }> {
  const out = new Map<string, { node: string; index: number }>();
  for (const log of logs) {
    for (const e of log.entries) {
      const c = e.command as Record<string, unknown> | null;
      if (e.kind !== 'command' || c === null || c.clientId !== clientId || typeof c.requestId !== 'string') continue;
      if (!out.has(c.requestId)) out.set(c.requestId, { node: log.node, index: e.index });
    }
  }
  return out;
}
