// Jepsen's etcd log format, one event a line: `INFO  jepsen.util - <process>\t:<type>\t:<f>\t<value>`.
// Fields may be separated by any run of spaces or tabs, as Porcupine's parser (`\s+`) accepts.
// The logs carry no clock, so an event's line order is its time (timeNs = its index).
import type { EventType, HistoryEvent, Value } from '../../reports/run-files/history-ops.ts';
import { CheckerError } from './errors.ts';
import { EdnKeyword, EdnSyntaxError, parseEdn } from './edn.ts';
import type { Edn } from './edn.ts';

const LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:([a-z-]+)\s+:([a-z-]+)\s+(\S.*?)\s*$/;
const TYPES = new Set<string>(['invoke', 'ok', 'fail', 'info']);
const FUNCTIONS = new Set(['read', 'write', 'cas']);

export interface ParsedHistory {
  events: HistoryEvent[];
  /** Source line (1-based) of each event, by index. */
  lineOf: (index: number) => number;
}

export function parseJepsenCas(text: string): ParsedHistory {
  const events: HistoryEvent[] = [];
  const lines: number[] = [];
  const source = text.split('\n');
  for (let i = 0; i < source.length; i++) {
    const raw = source[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    const m = LINE.exec(raw);
    if (m === null) throw new CheckerError('HISTORY_PARSE', 'not a jepsen.util event line (INFO  jepsen.util - <process> :<type> :<f> <value>, fields separated by tabs or spaces)', lineNo);
    const [, process, type, f, valueText] = m as unknown as [string, string, string, string, string];
    if (!TYPES.has(type)) throw new CheckerError('HISTORY_PARSE', `unknown event type :${type}`, lineNo);
    if (!FUNCTIONS.has(f)) throw new CheckerError('HISTORY_PARSE', `unknown function :${f} (read, write, cas)`, lineNo);
    const value = ednToValue(valueText, lineNo);
    if (type === 'invoke' && f === 'cas' && !(Array.isArray(value) && value.length === 2)) {
      throw new CheckerError('HISTORY_PARSE', 'cas value must be [expected new]', lineNo);
    }
    events.push({ process: Number(process), type: type as EventType, f, value, timeNs: events.length, index: events.length });
    lines.push(lineNo);
  }
  return { events, lineOf: (index) => lines[index] ?? 0 };
}

/** EDN to a history value; a keyword (e.g. info's :timed-out) becomes the string ":name"; maps are not values. */
export function ednToValue(text: string, lineNo: number): Value {
  let edn: Edn;
  try {
    edn = parseEdn(text);
  } catch (e) {
    if (e instanceof EdnSyntaxError) throw new CheckerError('HISTORY_PARSE', `bad value ${JSON.stringify(text)}: ${e.message}`, lineNo);
    throw e;
  }
  return toValue(edn, text, lineNo);
}

function toValue(edn: Edn, text: string, lineNo: number): Value {
  if (Array.isArray(edn)) return edn.map((x) => toValue(x, text, lineNo));
  if (edn instanceof EdnKeyword) return edn.toString();
  if (edn !== null && typeof edn === 'object') throw new CheckerError('HISTORY_PARSE', `bad value ${JSON.stringify(text)}: a map is not a value`, lineNo);
  return edn;
}
