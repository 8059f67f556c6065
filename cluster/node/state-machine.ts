import type { Entry } from '../raft/messages.ts';
import { ArrayFifo } from '../array-fifo.ts';
import { ChunkJsonCache } from './chunk-json-cache.ts';

/**
 * The replicated state machine: an append-only record store (the seed's `POST /api/write`)
 * and a key-value register with compare-and-set. Pure and deterministic: every replica that
 * applies the same entries in the same order holds the same state, and so the same snapshot.
 *
 * Exactly-once (Raft §8): a command may carry (clientId, requestId). The first time it is
 * applied its result is remembered; a duplicate (a retry after a timeout or a failover) is not
 * applied again and gets the first result. Sessions are evicted oldest-first past
 * `dedupEntriesMax`, in apply order, so eviction is identical on every replica.
 */

export type Command =
  | { readonly op: 'append'; readonly data: unknown; readonly source: string; readonly clientId?: string; readonly requestId?: string }
  | { readonly op: 'put'; readonly key: string; readonly value: string; readonly clientId?: string; readonly requestId?: string }
  | { readonly op: 'cas'; readonly key: string; readonly expect: string | null; readonly value: string; readonly clientId?: string; readonly requestId?: string };

export type CommandResult =
  | { readonly op: 'append'; readonly entryId: number }
  | { readonly op: 'put'; readonly value: string }
  | { readonly op: 'cas'; readonly success: boolean; readonly value: string | null };

export interface StoredRecord {
  readonly id: number;
  readonly term: number;
  readonly data: unknown;
  readonly source: string;
  readonly clientId: string | null;
  readonly requestId: string | null;
}

export interface ApplyOutcome {
  readonly index: number;
  readonly result: CommandResult | null;
  /** True when (clientId, requestId) had been applied before: state did not change. */
  readonly duplicate: boolean;
}

interface SnapshotBody {
  readonly v: 1;
  readonly index: number;
  readonly records: StoredRecord[];
  readonly kv: [string, string][];
  readonly dedup: [string, CommandResult][];
}

export const dedupEntriesMaxDefault = 100_000;

export class StateMachine {
  private records = new Map<number, StoredRecord>();
  /** The records in apply order (ids increase), for serialising them by position. */
  private recordOrder: StoredRecord[] = [];
  private recordChunks: ChunkJsonCache;
  private kv = new Map<string, string>();
  /** Insertion order is apply order: the first key is the oldest session entry. */
  private dedup = new Map<string, CommandResult>();
  /**
   * The dedup keys oldest first (the Map's own order, kept apart), for eviction. Not
   * `dedup.keys().next()`: V8's ordered hash table leaves a deleted entry's slot in place until it
   * rehashes, and iteration steps over every such slot, so each eviction cost more than the last
   * (docs/perf/2026-11-28-session-eviction.md).
   */
  private dedupOrder = new ArrayFifo<string>();
  /** Counts entries from the last restore: this replica's own; only the map's order is replicated. */
  private dedupChunks: ChunkJsonCache;
  appliedIndex = 0;

  /**
   * `recordsPerChunk` sets how much a snapshot serialises between two yields to the event loop
   * (and the grid its text is cached on). A write takes several loop turns on a leader, each of
   * which can wait for a piece: at 2000 records (~580 KB of JSON) a leader's first snapshot under
   * 500 writes/s let commits through only every ~11 ms for 40 ms. 256 records is ~0.2-0.5 ms a
   * piece here, with the same total serialisation time (9-12 ms for 10k records).
   */
  constructor(
    private readonly dedupEntriesMax = dedupEntriesMaxDefault,
    private readonly recordsPerChunk = 256,
  ) {
    this.recordChunks = new ChunkJsonCache(recordsPerChunk);
    this.dedupChunks = new ChunkJsonCache(recordsPerChunk);
  }

  static encode(command: Command): string {
    return JSON.stringify(command);
  }

  apply(entry: Entry): ApplyOutcome {
    if (entry.index <= this.appliedIndex) {
      throw new Error(`state machine: entry ${entry.index} applied twice (applied ${this.appliedIndex})`);
    }
    this.appliedIndex = entry.index;
    if (entry.kind !== 'command') return { index: entry.index, result: null, duplicate: false };
    const command = JSON.parse(entry.data) as Command;
    const key = command.clientId && command.requestId ? `${command.clientId}\u0000${command.requestId}` : null;
    if (key !== null) {
      const previous = this.dedup.get(key);
      if (previous) return { index: entry.index, result: previous, duplicate: true };
    }
    const result = this.execute(entry, command);
    if (key !== null) {
      this.dedup.set(key, result);
      this.dedupOrder.push(key);
      if (this.dedup.size > this.dedupEntriesMax) {
        this.dedup.delete(this.dedupOrder.shift()!);
        this.dedupChunks.evictOldest();
      }
    }
    return { index: entry.index, result, duplicate: false };
  }

  private execute(entry: Entry, command: Command): CommandResult {
    switch (command.op) {
      case 'append': {
        const record: StoredRecord = {
          id: entry.index, term: entry.term, data: command.data, source: command.source,
          clientId: command.clientId ?? null, requestId: command.requestId ?? null,
        };
        this.records.set(entry.index, record);
        this.recordOrder.push(record);
        return { op: 'append', entryId: entry.index };
      }
      case 'put':
        this.kv.set(command.key, command.value);
        return { op: 'put', value: command.value };
      case 'cas': {
        const current = this.kv.get(command.key) ?? null;
        if (current !== command.expect) return { op: 'cas', success: false, value: current };
        this.kv.set(command.key, command.value);
        return { op: 'cas', success: true, value: command.value };
      }
    }
  }

  get(key: string): string | null {
    return this.kv.get(key) ?? null;
  }

  record(id: number): StoredRecord | null {
    return this.records.get(id) ?? null;
  }

  recordCount(): number {
    return this.records.size;
  }

  keyCount(): number {
    return this.kv.size;
  }

  snapshot(): string {
    return [...this.snapshotChunks()].join('');
  }

  /**
   * The state as of the applied index when the first chunk is taken, in pieces, so a host can
   * yield to its event loop between them (a whole snapshot of a long run takes seconds of CPU,
   * long enough to miss heartbeats). kv and sessions are copied at the first chunk; records are
   * immutable and applied in increasing index, so those applied later are simply not reached.
   * Full chunks of records and of sessions are serialised once and reused (ChunkJsonCache).
   */
  *snapshotChunks(): Generator<string, void, void> {
    const index = this.appliedIndex;
    // Records up to here exist now; later ones (applied while this runs) are not reached.
    const recordCount = this.recordOrder.length;
    // Copies, not strings: a Map copy of 100k sessions is a few ms, their JSON much more.
    const kv = [...this.kv.entries()];
    const dedup = [...this.dedup.entries()];
    const dedupFirst = this.dedupChunks.first;
    // The caches as of now: a restore meanwhile replaces them, and these are then dropped.
    const dedupChunks = this.dedupChunks;
    const recordChunks = this.recordChunks;
    const records = this.recordOrder;
    yield `{"v":1,"index":${index},"kv":${JSON.stringify(kv)},"dedup":[`;
    yield* dedupChunks.pieces(dedup, dedupFirst);
    yield '],"records":[';
    yield* recordChunks.pieces(records, 0, recordCount);
    yield ']}';
  }

  restore(data: string): void {
    const body = JSON.parse(data) as SnapshotBody;
    if (body.v !== 1) throw new Error(`state machine: unknown snapshot version ${String(body.v)}`);
    this.records = new Map(body.records.map((r) => [r.id, r]));
    this.recordOrder = body.records;
    this.recordChunks = new ChunkJsonCache(this.recordsPerChunk);
    this.kv = new Map(body.kv);
    this.dedup = new Map(body.dedup);
    this.dedupOrder = new ArrayFifo(body.dedup.map(([key]) => key));
    this.dedupChunks = new ChunkJsonCache(this.recordsPerChunk);
    this.appliedIndex = body.index;
  }
}
