import type { NodeEndpoint } from './node-event-poller.ts';

/** One node's committed log as `/raft/log` serves it: entries after its snapshot, up to its commit index. */
export interface CommittedLog {
  readonly node: string;
  readonly commitIndex: number;
  /** Entries at or below this were compacted; their effects are only in the state machine. */
  readonly snapshotIndex: number;
  readonly entries: readonly LogEntry[];
}

export interface LogEntry {
  readonly index: number;
  readonly term: number;
  readonly kind: string;
  readonly command: { readonly op?: string; readonly clientId?: string; readonly requestId?: string; readonly [k: string]: unknown } | null;
}

export class FinalReadError extends Error {
  readonly code = 'FINAL_READ_FAILED';
  /** The HTTP status when the node answered one (421: it no longer leads). */
  constructor(message: string, readonly status: number | null = null) {
    super(message);
  }
}

const pageLimit = 1000;
const requestTimeoutMs = 5000;

/** Reads the whole committed log of one node page by page, up to the commit index of the first page. */
export async function readCommittedLog(node: NodeEndpoint): Promise<CommittedLog> {
  const entries: LogEntry[] = [];
  let from = 1;
  let commitIndex = -1;
  let snapshotIndex = 0;
  for (;;) {
    const page = await getPage(node, from);
    if (commitIndex < 0) { commitIndex = page.commitIndex; snapshotIndex = page.snapshotIndex; }
    for (const e of page.entries) if (e.index <= commitIndex) entries.push(e);
    const last = page.entries.at(-1)?.index;
    if (last === undefined || last >= commitIndex) break;
    from = last + 1;
  }
  return { node: node.id, commitIndex, snapshotIndex, entries };
}

async function getPage(node: NodeEndpoint, from: number): Promise<{ commitIndex: number; snapshotIndex: number; entries: LogEntry[] }> {
  const url = `${node.url}/raft/log?from=${from}&limit=${pageLimit}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(requestTimeoutMs) });
    if (!res.ok) throw new FinalReadError(`${url} answered ${res.status}`);
    return await res.json() as { commitIndex: number; snapshotIndex: number; entries: LogEntry[] };
  } catch (err) {
    if (err instanceof FinalReadError) throw err;
    throw new FinalReadError(`cannot read ${url}: ${(err as Error).message}`);
  }
}

/** A record from the leader's state machine (`GET /api/entries/:id`), for entries compacted out of the logs. */
export interface StoredRecord {
  readonly id: number;
  readonly clientId: string | null;
  readonly requestId: string | null;
}

export async function readRecord(leader: NodeEndpoint, id: number): Promise<StoredRecord | null> {
  try {
    const res = await fetch(`${leader.url}/api/entries/${id}`, { signal: AbortSignal.timeout(requestTimeoutMs) });
    if (res.status === 404) return null;
    if (!res.ok) throw new FinalReadError(`${leader.url}/api/entries/${id} answered ${res.status}`, res.status);
    return await res.json() as StoredRecord;
  } catch (err) {
    if (err instanceof FinalReadError) throw err;
    throw new FinalReadError(`cannot read entry ${id} from ${leader.id}: ${(err as Error).message}`);
  }
}

/** How often a record read follows leadership to another node before it gives up. */
const leaderMovesMax = 3;

/**
 * Reads records from whichever node leads: when the node asked no longer does (421, an election
 * after the run's recovery), the cluster is asked for its leader again and the read repeated.
 * Each answer says which node gave it.
 */
export function leaderRecordReader(first: NodeEndpoint, nodes: readonly NodeEndpoint[], currentLeader: () => Promise<string | null>) {
  let leader = first;
  return async (id: number): Promise<{ node: string; record: StoredRecord | null }> => {
    for (let moves = 0; ; moves++) {
      const asked = leader;
      try {
        return { node: asked.id, record: await readRecord(asked, id) };
      } catch (err) {
        if (!(err instanceof FinalReadError) || err.status !== 421 || moves >= leaderMovesMax) throw err;
        const leaderId = await currentLeader();
        const next = nodes.find((n) => n.id === leaderId);
        if (!next) throw err;
        if (leader === asked) leader = next;
      }
    }
  };
}
