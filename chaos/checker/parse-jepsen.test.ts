import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseEdn, EdnKeyword } from './edn.ts';
import { CheckerError } from './errors.ts';
import { pairOperations } from '../../reports/run-files/history-ops.ts';
import { parseJepsenCas } from './parse-jepsen-cas.ts';
import { parseJepsenKv } from './parse-jepsen-kv.ts';

const cas = (lines: string[]) => parseJepsenCas(lines.map((l) => `INFO  jepsen.util - ${l.replaceAll(' | ', '\t')}`).join('\n'));

test('jepsen-cas: values, nil, cas vectors and info keywords', () => {
  const { events } = cas(['0 | :invoke | :cas | [3 nil]', '1 | :invoke | :read | nil', '1 | :ok | :read | 4', '0 | :info | :cas | :timed-out']);
  assert.equal(events.map((e) => [e.process, e.type, e.f, e.value, e.timeNs]), [
    [0, 'invoke', 'cas', [3, null], 0], [1, 'invoke', 'read', null, 1], [1, 'ok', 'read', 4, 2], [0, 'info', 'cas', ':timed-out', 3],
  ]);
});

const lineOfError = (fn: () => unknown): string => {
  try { fn(); } catch (e) {
    if (e instanceof CheckerError) return `${e.code}@${e.line}: ${e.message}`;
    throw e;
  }
  return 'accepted';
};

test('jepsen-cas: errors name the source line, counting blank lines', () => {
  const text = 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\n\nINFO  jepsen.util - 0\t:ok\t:read\t[1\n';
  assert.match(lineOfError(() => parseJepsenCas(text)), /^HISTORY_PARSE@3: line 3: bad value/);
  assert.match(lineOfError(() => parseJepsenCas('garbage')), /^HISTORY_PARSE@1/);
  assert.match(lineOfError(() => cas(['0 | :invoke | :incr | 1'])), /unknown function :incr/);
  assert.match(lineOfError(() => cas(['0 | :invoke | :cas | 1'])), /cas value must be/);
  const parsed = parseJepsenCas('\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\n');
  assert.match(lineOfError(() => pairOperations(parsed.events, { lineOf: parsed.lineOf })), /^HISTORY_INVALID@3/);
});

test('jepsen-cas: fields separated by spaces parse like tabs (Porcupine reads any whitespace)', () => {
  const lines = ['0 | :invoke | :cas | [3 nil]', '1 | :invoke | :read | nil', '1 | :ok | :read | 4', '0 | :info | :cas | :timed-out'];
  const tabbed = cas(lines).events;
  for (const sep of [' ', '   ', ' \t ']) {
    const text = lines.map((l) => `INFO  jepsen.util - ${l.replaceAll(' | ', sep)}  `).join('\n');
    assert.equal(parseJepsenCas(text).events, tabbed, `separator ${JSON.stringify(sep)}`);
  }
  assert.match(lineOfError(() => parseJepsenCas('INFO  jepsen.util - 0 :invoke:read nil')), /^HISTORY_PARSE@1: .*tabs or spaces/);
  assert.match(lineOfError(() => parseJepsenCas('INFO  jepsen.util - 0 :invoke :read')), /^HISTORY_PARSE@1/);
});

test('jepsen-kv: tabs or runs of spaces between fields parse like the usual ", "', () => {
  const usual = '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}';
  const spaced = '{:process 0  :type\t:invoke   :f :append,\t:key "0"  :value "x 0 0 y"}';
  assert.equal(parseJepsenKv(spaced).events, parseJepsenKv(usual).events);
});

test('jepsen-kv: EDN maps with keys and string values', () => {
  const { events } = parseJepsenKv([
    '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}',
    '{:process 0, :type :ok, :f :get, :key "7", :value ""}',
    '{:process 2, :type :info, :f :put, :key "1", :value :timed-out}',
  ].join('\n'));
  assert.equal(events.map((e) => [e.process, e.type, e.f, e.key, e.value]), [
    [0, 'invoke', 'append', '0', 'x 0 0 y'], [0, 'ok', 'get', '7', ''], [2, 'info', 'put', '1', ':timed-out'],
  ]);
});

test('jepsen-kv: malformed lines are rejected with their line number', () => {
  assert.match(lineOfError(() => parseJepsenKv('{:process 0, :type :invoke, :f :get, :key "0", :value nil}\n{:process 0')), /^HISTORY_PARSE@2/);
  assert.match(lineOfError(() => parseJepsenKv('{:process 0, :type :invoke, :f :get, :key 0, :value nil}')), /:key must be a string/);
  assert.match(lineOfError(() => parseJepsenKv('{:process 0, :type :ok, :f :put, :key "0", :value :x}')), /:value must be a string or nil/);
  assert.match(lineOfError(() => parseJepsenKv('[1 2]')), /not an EDN map/);
});

test('edn: strings with escapes stay strings, keywords stay keywords', () => {
  const v = parseEdn('{:a "q\\"x", :b :kw, :c [1 -2.5 nil true]}') as Record<string, unknown>;
  assert.is(v.a, 'q"x');
  assert.instance(v.b, EdnKeyword);
  assert.equal(v.c, [1, -2.5, null, true]);
  assert.throws(() => parseEdn('{:a 1 :a 2}'), /duplicate key/);
  assert.throws(() => parseEdn('"open'), /unterminated/);
});

test.run();
