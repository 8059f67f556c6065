// The ledger on a real file: pending is injected minus healed, a torn last line (a crash
// mid-write) is ignored and does not swallow the next record, and a second process's view
// (a new Ledger on the same path) agrees.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppliedFault } from './fault.ts';
import { Ledger, ledgerPath } from './ledger.ts';

const dirs: string[] = [];
test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function fresh(): Ledger {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
  dirs.push(dir);
  return new Ledger(ledgerPath(dir), () => 1000);
}

function fault(id: string): AppliedFault {
  return {
    id, fault: { kind: 'pause', target: { role: 'node', node: 'node1' } }, describe: `pause node1 (${id})`, nodes: ['node1'],
    appliedAtMs: 1, undo: [{ kind: 'resume', member: 'node1' }],
  };
}

test('pending is what was injected and not healed, in injection order, across Ledger instances', () => {
  const ledger = fresh();
  assert.equal(ledger.pending(), []);
  ledger.recordInject(fault('a'));
  ledger.recordInject(fault('b'));
  ledger.recordInject(fault('c'));
  ledger.recordHealed('b');
  assert.equal(ledger.pending().map((f) => f.id), ['a', 'c']);
  const again = new Ledger(ledger.path);
  assert.equal(again.pending().map((f) => f.id), ['a', 'c']);
  assert.is(again.isPending('b'), false);
  assert.equal(again.pending()[0]!.undo, [{ kind: 'resume', member: 'node1' }]);
  const lines = readFileSync(ledger.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { op: string });
  assert.equal(lines.map((l) => l.op), ['inject', 'inject', 'inject', 'healed']);
});

test('a torn last line is ignored, and the next record still lands on its own line', () => {
  const ledger = fresh();
  ledger.recordInject(fault('a'));
  appendFileSync(ledger.path, '{"op":"inject","atMs":5,"applied":{"id":"torn","und');
  assert.equal(ledger.pending().map((f) => f.id), ['a']);
  ledger.recordInject(fault('b'));
  assert.equal(ledger.pending().map((f) => f.id), ['a', 'b']);
  ledger.recordHealed('a');
  assert.equal(ledger.pending().map((f) => f.id), ['b']);
});

test('lines that are not ledger records are skipped, not fatal', () => {
  const ledger = fresh();
  ledger.recordInject(fault('a'));
  appendFileSync(ledger.path, 'garbage\n{"op":"inject","applied":{"id":"x"}}\n');
  ledger.recordInject(fault('b'));
  assert.equal(ledger.pending().map((f) => f.id), ['a', 'b']);
});

test.run();
