// Writes a kv history in Jepsen's kv log format, the one parse-jepsen-kv.ts and Porcupine's test
// parser read: `{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}`.
import type { HistoryEvent, Value } from '../../reports/run-files/history-ops.ts';

export function formatJepsenKv(events: readonly HistoryEvent[]): string {
  return events.map((e) => `{:process ${e.process}, :type :${e.type}, :f :${e.f}, :key ${ednString(e.key ?? '')}, :value ${ednValue(e.value)}}\n`).join('');
}

function ednValue(v: Value): string {
  if (v === null) return 'nil';
  if (typeof v === 'string') return v.startsWith(':') ? v : ednString(v);
  throw new Error(`jepsen-kv values are strings or nil, got ${JSON.stringify(v)}`);
}

function ednString(s: string): string {
  return `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
