// Jepsen's key-value history format, one EDN map a line:
// `{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}`.
// No clock here either: line order is time (timeNs = index).
import type { EventType, HistoryEvent, Value } from '../../reports/run-files/history-ops.ts';
import { CheckerError } from './errors.ts';
import { EdnKeyword, EdnSyntaxError, parseEdn } from './edn.ts';
import type { Edn } from './edn.ts';
import type { ParsedHistory } from './parse-jepsen-cas.ts';

const TYPES = new Set<string>(['invoke', 'ok', 'fail', 'info']);
// The shape Jepsen prints, with no escapes in the strings: read without the EDN parser, which is
// several times slower on 2,000-line histories. Any other line goes through parseEdn.
const PLAIN_LINE = /^\{:process (\d+), :type :(invoke|ok|fail|info), :f :(get|put|append), :key "([^"\\]*)", :value (?:nil|"([^"\\]*)")\}$/;
const FUNCTIONS = new Set(['get', 'put', 'append']);

export function parseJepsenKv(text: string): ParsedHistory {
  const events: HistoryEvent[] = [];
  const lines: number[] = [];
  const source = text.split('\n');
  for (let i = 0; i < source.length; i++) {
    const raw = source[i]!.trim();
    if (raw === '') continue;
    const lineNo = i + 1;
    const plain = PLAIN_LINE.exec(raw);
    if (plain !== null) {
      const value = plain[5] ?? null;
      events.push({
        process: Number(plain[1]), type: plain[2] as EventType, f: plain[3]!, key: plain[4]!, value,
        timeNs: events.length, index: events.length,
      });
      lines.push(lineNo);
      continue;
    }
    const bad = (message: string): never => {
      throw new CheckerError('HISTORY_PARSE', message, lineNo);
    };
    let edn: Edn;
    try {
      edn = parseEdn(raw);
    } catch (e) {
      if (e instanceof EdnSyntaxError) return bad(`not an EDN map: ${e.message}`);
      throw e;
    }
    if (edn === null || typeof edn !== 'object' || Array.isArray(edn) || edn instanceof EdnKeyword) return bad('not an EDN map');
    const { process, type, f, key, value } = edn;
    if (typeof process !== 'number' || !Number.isInteger(process)) return bad(':process must be an integer');
    if (!(type instanceof EdnKeyword) || !TYPES.has(type.name)) return bad(':type must be :invoke, :ok, :fail or :info');
    if (!(f instanceof EdnKeyword) || !FUNCTIONS.has(f.name)) return bad(':f must be :get, :put or :append');
    if (typeof key !== 'string') return bad(':key must be a string');
    // A completion that is not ok may carry a reason keyword (:timed-out); it is not a value.
    let eventValue: Value;
    if (value === null || typeof value === 'string') eventValue = value;
    else if (value instanceof EdnKeyword && type.name !== 'invoke' && type.name !== 'ok') eventValue = value.toString();
    else return bad(':value must be a string or nil');
    events.push({
      process, type: type.name as EventType, f: f.name, key, value: eventValue,
      timeNs: events.length, index: events.length,
    });
    lines.push(lineNo);
  }
  return { events, lineOf: (index) => lines[index] ?? 0 };
}
