import { tailFile } from './log-tail.ts';
import { fetchAllStatuses, fetchGatewayStatus, leaderOf, type GatewayStatus, type RaftStatus } from './cluster-probe.ts';
import type { ProcessManager } from './process-manager.ts';

export class ClusterNotReadyError extends Error {
  readonly code = 'CLUSTER_NOT_READY';
}

/** A process the cluster needs ended while we waited for it; the message carries its log tail. */
export class ProcessExitedError extends Error {
  readonly code = 'PROCESS_EXITED';
  constructor(readonly processName: string, readonly logPath: string) {
    const tail = tailFile(logPath, 15);
    super(`${processName} exited (log ${logPath})${tail ? `; last lines:\n${tail}` : ''}`);
  }
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Checked every round so a crashed child fails the wait at once instead of at the deadline. */
  readonly manager?: ProcessManager;
  readonly watch?: readonly string[];
  readonly pollMs?: number;
}

const defaultPollMs = 100;

function checkAlive(opts: WaitOptions): void {
  if (!opts.manager) return;
  for (const name of opts.watch ?? []) {
    const info = opts.manager.info(name);
    if (!info.alive) throw new ProcessExitedError(name, info.logPath);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls every node until one is leader of the highest known term; bounded by timeoutMs. */
export async function waitForLeader(
  nodes: readonly { id: string; url: string }[], opts: WaitOptions & { exclude?: readonly string[] },
): Promise<RaftStatus> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    checkAlive(opts);
    const statuses = await fetchAllStatuses(nodes.filter((n) => !(opts.exclude ?? []).includes(n.id)));
    const leader = leaderOf(statuses);
    if (leader) return leader;
    if (Date.now() >= deadline) {
      const seen = [...statuses].map(([id, st]) => `${id}: ${st ? `${st.state} term ${st.term}` : 'no answer'}`).join(', ');
      throw new ClusterNotReadyError(`no leader elected within ${opts.timeoutMs} ms (${seen || 'no nodes'})`);
    }
    await sleep(opts.pollMs ?? defaultPollMs);
  }
}

/** Polls the gateway until it answers /api/status naming a leader; bounded by timeoutMs. */
export async function waitForGateway(gatewayUrl: string, opts: WaitOptions): Promise<GatewayStatus> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: GatewayStatus | null = null;
  for (;;) {
    checkAlive(opts);
    last = await fetchGatewayStatus(gatewayUrl);
    if (last && (last.leader ?? last.leaderId)) return last;
    if (Date.now() >= deadline) {
      throw new ClusterNotReadyError(`gateway ${gatewayUrl} ${last ? 'knows no leader' : 'did not answer'} within ${opts.timeoutMs} ms`);
    }
    await sleep(opts.pollMs ?? defaultPollMs);
  }
}
