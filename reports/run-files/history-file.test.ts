import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckerError } from './history-error.ts';
import { pairOperations, parseHistoryJsonl, readHistoryJsonl, writeHistoryJsonl } from './history-file.ts';
import type { HistoryEvent } from './history-file.ts';

let index = 0;
const ev = (process: number, type: HistoryEvent['type'], f: string, value: HistoryEvent['value'], key?: string): HistoryEvent => {
  const e: HistoryEvent = { process, type, f, value, timeNs: index * 10, index };
  if (key !== undefined) e.key = key;
  index++;
  return e;
};

test.before.each(() => { index = 0; });

test('pairs each invoke with its process completion, keeping invoke order', () => {
  const ops = pairOperations([
    ev(0, 'invoke', 'write', 1), ev(1, 'invoke', 'read', null), ev(1, 'ok', 'read', 1),
    ev(0, 'ok', 'write', 1), ev(2, 'invoke', 'cas', [1, 2]), ev(2, 'fail', 'cas', [1, 2]),
  ]);
  assert.equal(ops.map((o) => [o.process, o.f, o.outcome, o.callNs, o.returnNs]), [
    [0, 'write', 'ok', 0, 30], [1, 'read', 'ok', 10, 20], [2, 'cas', 'fail', 40, 50],
  ]);
  assert.is(ops[1]!.output, 1);
  assert.is(ops[2]!.output, undefined, 'a fail carries no result');
});

test('info and calls left open return at +infinity with no output', () => {
  const ops = pairOperations([ev(0, 'invoke', 'write', 1), ev(0, 'info', 'write', ':timed-out'), ev(1, 'invoke', 'write', 2)]);
  assert.is(ops[0]!.outcome, 'info');
  assert.is(ops[0]!.returnNs, Infinity);
  assert.is(ops[0]!.output, undefined);
  assert.is(ops[1]!.outcome, 'info');
  assert.is(ops[1]!.completeIndex, null);
});

test('rejects a second invoke, an orphan completion and reuse after info, naming the line', () => {
  const code = (events: HistoryEvent[]): string => {
    try { pairOperations(events, { lineOf: (i) => i + 100 }); } catch (e) {
      assert.instance(e, CheckerError);
      return `${(e as CheckerError).code}@${(e as CheckerError).line}`;
    }
    return 'accepted';
  };
  index = 0;
  assert.is(code([ev(0, 'invoke', 'read', null), ev(0, 'invoke', 'read', null)]), 'HISTORY_INVALID@101');
  index = 0;
  assert.is(code([ev(0, 'ok', 'read', 1)]), 'HISTORY_INVALID@100');
  index = 0;
  assert.is(code([ev(0, 'invoke', 'read', null), ev(0, 'info', 'read', null), ev(0, 'invoke', 'read', null)]), 'HISTORY_INVALID@102');
  index = 0;
  assert.is(code([ev(0, 'invoke', 'read', null), ev(0, 'ok', 'write', 1)]), 'HISTORY_INVALID@101');
});

test('JSONL round-trips through a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'history-'));
  try {
    const events = [ev(3, 'invoke', 'put', 'a', 'k1'), ev(3, 'ok', 'put', 'a', 'k1'), ev(4, 'invoke', 'cas', [null, 2])];
    writeHistoryJsonl(join(dir, 'h.jsonl'), events);
    assert.equal(readHistoryJsonl(join(dir, 'h.jsonl')), events);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('JSONL errors carry the line number', () => {
  const good = JSON.stringify({ process: 0, type: 'invoke', f: 'read', value: null, timeNs: 0, index: 0 });
  assert.throws(() => parseHistoryJsonl(`${good}\n\n{oops`), (e: CheckerError) => e.code === 'HISTORY_PARSE' && e.line === 3);
  assert.throws(() => parseHistoryJsonl(`${good}\n${good.replace('"invoke"', '"done"')}`), (e: CheckerError) => e.line === 2 && /type/.test(e.message));
});

test.run();
