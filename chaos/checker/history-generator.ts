// Synthetic histories that are linearizable by construction: clients run against one sequential
// store, each call takes effect at a single instant between its invoke and its completion, and
// the interleaving of invokes, effects and completions is random, so calls overlap at random.
// Some calls end as info, either before taking effect (never applied) or after (applied); a
// client that got info is replaced by a fresh process, as in a real run.
import type { HistoryEvent, Value } from '../../reports/run-files/history-ops.ts';

export type GeneratedWorkload = 'cas-register' | 'kv';

export interface GeneratorOptions {
  workload: GeneratedWorkload;
  /** Number of calls (invokes) in the history. */
  ops: number;
  clients: number;
  keys: number;
  /** Fraction of calls that end as info, half of them applied. */
  infoRate: number;
  /** Register values are drawn from 0..valueCount-1, so reads can see several writers. */
  valueCount?: number;
  /**
   * The chaos register workload's shape instead of Jepsen's: every written value unique
   * (`v<n>`), a cas expecting the key's current value half the time (else an older one), and a
   * cas that found another value completed as ok with output false rather than as fail.
   */
  chaosShape?: boolean;
  /** kv only: Jepsen's etcd kv mix (about 49% append, 46% get, 5% put) and values "x <process> <n> y". */
  jepsenKvShape?: boolean;
  random: () => number;
}

interface Pending {
  process: number;
  f: string;
  key: string;
  input: Value;
  ending: 'normal' | 'info-unapplied' | 'info-applied';
  applied: boolean;
  /** ok or fail (a cas that found another value); set when applied. */
  result?: { type: 'ok' | 'fail'; value: Value };
}

export function generateHistory(options: GeneratorOptions): HistoryEvent[] {
  const { random, clients, keys, infoRate } = options;
  const valueCount = options.valueCount ?? 5;
  const int = (bound: number): number => Math.floor(random() * bound);
  const store = new Map<string, Value>();
  const events: HistoryEvent[] = [];
  const slots: (Pending | null)[] = new Array<Pending | null>(clients).fill(null);
  const processOf = Array.from({ length: clients }, (_, i) => i);
  let nextProcess = clients;
  let invoked = 0;
  let open = 0;
  let appendCount = 0;
  let writeCount = 0;
  const previous = new Map<string, Value>();

  const emit = (p: Pending, type: HistoryEvent['type'], value: Value): void => {
    events.push({ process: p.process, type, f: p.f, key: p.key, value, timeNs: events.length * 1000, index: events.length });
  };

  const newCall = (process: number): Pending => {
    const key = String(int(keys));
    const roll = random();
    const ending = roll < infoRate / 2 ? 'info-unapplied' : roll < infoRate ? 'info-applied' : 'normal';
    const pick = int(3);
    let f: string;
    let input: Value;
    if (options.workload === 'cas-register' && options.chaosShape) {
      f = ['read', 'write', 'cas'][pick]!;
      const fresh = `v${writeCount++}`;
      const expected = random() < 0.5 ? store.get(key) ?? null : previous.get(key) ?? null;
      input = f === 'read' ? null : f === 'write' ? fresh : [expected, fresh];
    } else if (options.workload === 'cas-register') {
      f = ['read', 'write', 'cas'][pick]!;
      input = f === 'read' ? null : f === 'write' ? int(valueCount) : [int(valueCount), int(valueCount)];
    } else if (options.jepsenKvShape) {
      const r = random();
      f = r < 0.46 ? 'get' : r < 0.51 ? 'put' : 'append';
      input = f === 'get' ? null : `x ${process} ${appendCount++} y`;
    } else {
      f = ['get', 'put', 'append'][pick]!;
      // Separators keep every appended piece distinguishable in the concatenation.
      input = f === 'get' ? null : `<${process}.${appendCount++}>`;
    }
    return { process, f, key, input, ending, applied: false };
  };

  const apply = (p: Pending): void => {
    p.applied = true;
    const current = store.get(p.key) ?? (options.workload === 'kv' ? '' : null);
    switch (p.f) {
      case 'read':
      case 'get':
        p.result = { type: 'ok', value: current };
        return;
      case 'write':
      case 'put':
        previous.set(p.key, current);
        store.set(p.key, p.input);
        p.result = { type: 'ok', value: p.input };
        return;
      case 'append':
        store.set(p.key, (current as string) + (p.input as string));
        p.result = { type: 'ok', value: p.input };
        return;
      default: {
        const [expected, next] = p.input as [Value, Value];
        if (current === expected) {
          previous.set(p.key, current);
          store.set(p.key, next);
          p.result = { type: 'ok', value: options.chaosShape ? true : p.input };
        } else {
          p.result = options.chaosShape ? { type: 'ok', value: false } : { type: 'fail', value: p.input };
        }
      }
    }
  };

  while (invoked < options.ops || open > 0) {
    const s = int(clients);
    const p = slots[s];
    if (p === undefined) throw new Error('generator invariant violated: slot out of range');
    if (p === null) {
      if (invoked >= options.ops) continue;
      const call = newCall(processOf[s]!);
      slots[s] = call;
      invoked++;
      open++;
      emit(call, 'invoke', call.input);
    } else if (!p.applied && p.ending === 'info-unapplied') {
      emit(p, 'info', ':timed-out');
      slots[s] = null;
      processOf[s] = nextProcess++;
      open--;
    } else if (!p.applied) {
      apply(p);
    } else {
      if (p.ending === 'info-applied') {
        emit(p, 'info', ':timed-out');
        processOf[s] = nextProcess++;
      } else {
        emit(p, p.result!.type, p.result!.value);
      }
      slots[s] = null;
      open--;
    }
  }
  return events;
}

/**
 * Makes the value of the `which`-th (modulo their count) ok read a value no call ever writes,
 * which no linearization can explain. Returns null when the history has no ok read.
 */
export function corruptOneRead(events: readonly HistoryEvent[], which: number): HistoryEvent[] | null {
  const reads = events.filter((e) => e.type === 'ok' && (e.f === 'read' || e.f === 'get'));
  if (reads.length === 0) return null;
  const target = reads[which % reads.length]!;
  const neverWritten: Value = typeof target.value === 'string' ? '#never-written#' : -1;
  return events.map((e) => (e === target ? { ...e, value: neverWritten } : e));
}
