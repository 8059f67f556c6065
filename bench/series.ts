// Per-second series of a run. A request belongs to the second of its start time relative to the
// run start: the intended send time in open-loop runs (so a stall shows in the seconds whose
// requests it delayed), the actual send time in closed-loop runs. Memory stays bounded in long
// soaks: a second's histogram is reduced to its two percentiles and dropped as soon as the
// second is closed (the clock has moved past it) and none of its requests is still outstanding.
import { createLatencyHistogram, recordMs } from '../cluster/common/histograms.ts';
import type { Histogram } from '../cluster/common/histograms.ts';

export interface SeriesRow {
  second: number;
  sent: number;
  ok: number;
  errors: number;
  /** Percentiles of the latency of this second's ok requests; null when it had none. */
  latencyMsP50: number | null;
  latencyMsP99: number | null;
}

interface OpenSecond {
  row: SeriesRow;
  outstanding: number;
  histogram: Histogram | null;
}

export class SecondSeries {
  readonly #open = new Map<number, OpenSecond>();
  readonly #closed: SeriesRow[] = [];
  #closedBefore = 0;

  /** A request started in `second` (counted as sent) and will later be finished exactly once. */
  started(second: number): void {
    const s = this.#slot(second);
    s.row.sent++;
    s.outstanding++;
  }

  /** Ends a request started in `second`; latencyMs is recorded only for ok requests. */
  finished(second: number, ok: boolean, latencyMs: number): void {
    const s = this.#open.get(second);
    if (s === undefined || s.outstanding <= 0) throw new Error(`series: second ${second} has no outstanding request`);
    s.outstanding--;
    if (ok) {
      s.row.ok++;
      s.histogram ??= createLatencyHistogram('packed');
      recordMs(s.histogram, latencyMs);
    } else {
      s.row.errors++;
    }
    if (s.outstanding === 0 && second < this.#closedBefore) this.#finalize(second, s);
  }

  /** Declares that no request will start before `second` any more. */
  closeBefore(second: number): void {
    if (second <= this.#closedBefore) return;
    this.#closedBefore = second;
    for (const [sec, s] of this.#open) if (sec < second && s.outstanding === 0) this.#finalize(sec, s);
  }

  /** All seconds so far, in order; seconds with requests still outstanding report what is known. */
  rows(): SeriesRow[] {
    const out = [...this.#closed];
    for (const s of this.#open.values()) out.push(reduce(s));
    out.sort((a, b) => a.second - b.second);
    return fillGaps(out);
  }

  #slot(second: number): OpenSecond {
    if (!Number.isInteger(second) || second < 0) throw new Error(`series: bad second ${second}`);
    let s = this.#open.get(second);
    if (s === undefined) {
      if (second < this.#closedBefore && this.#closed.some((r) => r.second === second)) {
        throw new Error(`series: second ${second} was already closed`);
      }
      s = { row: emptyRow(second), outstanding: 0, histogram: null };
      this.#open.set(second, s);
    }
    return s;
  }

  #finalize(second: number, s: OpenSecond): void {
    this.#closed.push(reduce(s));
    this.#open.delete(second);
  }
}

function emptyRow(second: number): SeriesRow {
  return { second, sent: 0, ok: 0, errors: 0, latencyMsP50: null, latencyMsP99: null };
}

function reduce(s: OpenSecond): SeriesRow {
  const h = s.histogram;
  if (h === null || h.totalCount === 0) return { ...s.row };
  return { ...s.row, latencyMsP50: h.getValueAtPercentile(50) / 1000, latencyMsP99: h.getValueAtPercentile(99) / 1000 };
}

/** A second in which nothing started is a real zero (a stalled generator), not a missing row. */
function fillGaps(rows: SeriesRow[]): SeriesRow[] {
  const last = rows.at(-1);
  if (last === undefined) return rows;
  const out: SeriesRow[] = [];
  let i = 0;
  for (let sec = 0; sec <= last.second; sec++) {
    const r = rows[i];
    if (r !== undefined && r.second === sec) { out.push(r); i++; } else out.push(emptyRow(sec));
  }
  return out;
}
