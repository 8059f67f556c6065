/**
 * When a node snapshots its state machine. Two conditions, both required:
 *  - entries: at least `entries` applied since the last snapshot (the first one waits `offsetEntries`
 *    more, so the nodes of a cluster do not all snapshot at one index);
 *  - size: the command text applied since then is at least `logRatio` times the last snapshot's text.
 * A snapshot rewrites the whole state. With the entry count alone its cost per write grows with
 * the state: at 10,000 entries and an append-only store of 120k records, every node rewrote
 * ~25 MB every 2.5 s under load. The size rule (LogCabin's snapshotRatio) spaces snapshots out
 * as the state grows, so the bytes snapshots write stay under 1/logRatio of the log's. The log
 * kept since the last snapshot grows to logRatio times it, yet memory went down (docs/perf/2026-11-27-snapshot-rule.md).
 */
export class SnapshotPolicy {
  private dueEntries: number;
  private logChars = 0;
  private lastSnapshotChars: number;

  constructor(
    private readonly o: { readonly entries: number; readonly offsetEntries: number; readonly logRatio: number },
    restoredSnapshotChars = 0,
  ) {
    this.dueEntries = o.entries + o.offsetEntries;
    this.lastSnapshotChars = restoredSnapshotChars;
  }

  /** A command of `chars` characters was applied. */
  applied(chars: number): void {
    this.logChars += chars;
  }

  /** Whether to snapshot now, `entriesSince` entries after the last snapshot's index. */
  due(entriesSince: number): boolean {
    return entriesSince >= this.dueEntries && this.logChars >= this.o.logRatio * this.lastSnapshotChars;
  }

  /** A snapshot of the state as applied now was started: what is applied from here is the next one's log. */
  started(): void {
    this.logChars = 0;
    this.dueEntries = this.o.entries;
  }

  /** The snapshot started last (or one installed from the leader) holds `chars` characters. */
  sized(chars: number): void {
    this.lastSnapshotChars = chars;
  }

  /** A snapshot from the leader replaced the state: the log since it starts empty. */
  installed(chars: number): void {
    this.logChars = 0;
    this.lastSnapshotChars = chars;
  }
}
