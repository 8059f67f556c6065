// Plants one anomaly in a linearizable kv history (from history-generator.ts, whose appended
// pieces are unique and put values non-empty), so the result is not linearizable:
// - stale-read: one get returns the key's value from before an append that completed before the
//   get was invoked (the prefix in front of that append's piece);
// - lost-write: that append's piece vanishes from every later get of the key;
// - never-written: one get returns a value no call wrote.
import type { HistoryEvent } from '../../reports/run-files/history-ops.ts';
import { corruptOneRead } from './history-generator.ts';

export const ANOMALIES = ['stale-read', 'lost-write', 'never-written'] as const;
export type Anomaly = (typeof ANOMALIES)[number];

interface Victim {
  get: HistoryEvent;
  piece: string;
  at: number;
}

/** The `which`-th (mod their count) planted variant, or null if the history offers none. */
export function plantAnomaly(events: readonly HistoryEvent[], anomaly: Anomaly, which: number): HistoryEvent[] | null {
  if (anomaly === 'never-written') return corruptOneRead(events, which);
  const victims = findVictims(events);
  if (victims.length === 0) return null;
  const v = victims[which % victims.length]!;
  if (anomaly === 'stale-read') {
    const stale = (v.get.value as string).slice(0, v.at);
    return events.map((e) => (e === v.get ? { ...e, value: stale } : e));
  }
  // Every get of the key from this one on loses the piece (it is unique, so only the append's).
  return events.map((e) => (e.index >= v.get.index && e.type === 'ok' && e.f === 'get' && e.key === v.get.key
    && typeof e.value === 'string' && e.value.includes(v.piece) ? { ...e, value: e.value.replace(v.piece, '') } : e));
}

/** (get, append piece) pairs: the append completed ok before the get was invoked, and the get saw it. */
function findVictims(events: readonly HistoryEvent[]): Victim[] {
  const completedAppends = new Map<string, string[]>();
  const invokeOf = new Map<number, HistoryEvent>();
  const victims: Victim[] = [];
  const appendsAtInvoke = new Map<HistoryEvent, string[]>();
  for (const e of events) {
    const key = e.key ?? '';
    if (e.type === 'invoke') {
      invokeOf.set(e.process, e);
      if (e.f === 'get') appendsAtInvoke.set(e, [...(completedAppends.get(key) ?? [])]);
      continue;
    }
    const call = invokeOf.get(e.process);
    if (call === undefined) continue;
    if (e.type === 'ok' && e.f === 'append') {
      let list = completedAppends.get(key);
      if (list === undefined) completedAppends.set(key, (list = []));
      list.push(call.value as string);
    }
    if (e.type === 'ok' && e.f === 'get' && typeof e.value === 'string') {
      for (const piece of appendsAtInvoke.get(call) ?? []) {
        const at = e.value.indexOf(piece);
        if (at >= 0) victims.push({ get: e, piece, at });
      }
    }
  }
  return victims;
}
