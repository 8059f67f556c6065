import { tailFile } from './log-tail.ts';
import { fetchAllStatuses, fetchGatewayStatus, leaderOf, type GatewayStatus, type RaftStatus } from './cluster-probe.ts';
import type { ProcessManager } from './process-manager.ts';

export class ClusterNotReadyError extends Error {
  readonly code = 'CLUSTER_NOT_READY';
}

/** A process the cluster needs ended while we waited for it; the message carries its log tail. */
export class ProcessExitedError extends Error {
  readonly code = 'PROCESS_EXITED';
  constructor(readonly processName: string, readonly logPath: string, how?: { code: number | null; signal: string | null }) {
    const tail = lastStartTail(tailFile(logPath, 15), processName);
    const exit = how ? (how.signal ? `, killed by ${how.signal}` : `, exit code ${how.code}`) : '';
    super(`${processName} exited${exit} (log ${logPath})${tail ? `; last lines:\n${tail}` : ''}`);
  }
}

/** The tail from the last start marker on (the process manager writes one per start), so older runs' lines are left out. */
function lastStartTail(tail: string, name: string): string {
  const lines = tail.split('\n');
  const marker = lines.map((l) => l.startsWith('--- ') && l.includes(` start ${name}:`)).lastIndexOf(true);
  return (marker >= 0 ? lines.slice(marker + 1) : lines).join('\n');
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Checked every round so a crashed child fails the wait at once instead of at the deadline. */
  readonly manager?: ProcessManager;
  readonly watch?: readonly string[];
  readonly pollMs?: number;
}

const defaultPollMs = 100;

async function checkAlive(opts: WaitOptions): Promise<void> {
  const manager = opts.manager;
  if (!manager) return;
  for (const name of opts.watch ?? []) {
    const info = manager.info(name);
    if (info.alive) continue;
    // /proc shows the end before Node reaps the child and reports its exit code: wait a moment for it.
    for (let i = 0; i < 25 && manager.exitOf(name) === undefined; i++) await sleep(20);
    throw new ProcessExitedError(name, info.logPath, manager.exitOf(name));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls every node until one is leader of the highest known term; bounded by timeoutMs. */
export async function waitForLeader(
  nodes: readonly { id: string; url: string }[], opts: WaitOptions & { exclude?: readonly string[] },
): Promise<RaftStatus> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    await checkAlive(opts);
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
    await checkAlive(opts);
    last = await fetchGatewayStatus(gatewayUrl);
    if (last && (last.leader ?? last.leaderId)) return last;
    if (Date.now() >= deadline) {
      throw new ClusterNotReadyError(`gateway ${gatewayUrl} ${last ? 'knows no leader' : 'did not answer'} within ${opts.timeoutMs} ms`);
    }
    await sleep(opts.pollMs ?? defaultPollMs);
  }
}

/**
 * Polls until every node answers and has applied at least `index` (the leader's commit index when
 * it was found), so a node that dies while loading its disk or applying the log (a corrupt WAL, a
 * full disk, a bad entry) fails the wait instead of being reported as started.
 */
export async function waitForNodesCaughtUp(nodes: readonly { id: string; url: string }[], index: number, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    await checkAlive(opts);
    const statuses = await fetchAllStatuses(nodes);
    const behind = nodes.filter((n) => {
      const st = statuses.get(n.id);
      return !st || (st.lastApplied ?? st.commitIndex) < index;
    });
    if (behind.length === 0) return;
    if (Date.now() >= deadline) {
      const seen = behind.map((n) => { const st = statuses.get(n.id); return `${n.id}: ${st ? `applied ${st.lastApplied ?? st.commitIndex}` : 'no answer'}`; }).join(', ');
      throw new ClusterNotReadyError(`not every node caught up to index ${index} within ${opts.timeoutMs} ms (${seen})`);
    }
    await sleep(opts.pollMs ?? defaultPollMs);
  }
}
