// The register workload against an in-process fake gateway holding one sequential register per
// key: every call lands in the history with its key, written values are unique, a cas that finds
// another value is ok(false), and the history checks linearizable. Reads sent to a "node" that
// answers from a frozen copy (the unsafe stale-read path) make it non-linearizable.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../cluster/common/rng.ts';
import { casRegister } from '../checker/cas-register.ts';
import { pairOperations, type Operation } from '../../reports/run-files/history-file.ts';
import { checkLinearizable } from '../checker/linearizability.ts';
import { HistoryRecorder } from './history-recorder.ts';
import { RegisterWorkload } from './register-workload.ts';
import { RunClock } from './run-clock.ts';

const body = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text === '' ? {} : JSON.parse(text) as Record<string, unknown>;
};

/** A correct register service; `frozen` answers every read with nil, like a node that never applied anything. */
function fakeServer(frozen: boolean): Server {
  const kv = new Map<string, string>();
  return createServer(async (req, res) => {
    const m = /^\/api\/kv\/([^/?]+)(\/cas)?/.exec(req.url ?? '');
    const send = (status: number, b: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(b)); };
    if (!m) return send(404, { code: 'NOT_FOUND' });
    const key = decodeURIComponent(m[1]!);
    const b = await body(req);
    // A little latency so calls overlap.
    await new Promise((r) => setTimeout(r, 1 + (key.length % 3)));
    if (req.method === 'GET') return send(200, { key, value: frozen ? null : kv.get(key) ?? null });
    if (req.method === 'PUT') { kv.set(key, b.value as string); return send(200, { success: true, value: b.value }); }
    const current = kv.get(key) ?? null;
    if (current !== b.expect) return send(200, { success: false, value: current });
    kv.set(key, b.value as string);
    return send(200, { success: true, value: b.value });
  });
}

async function listen(s: Server): Promise<string> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** Every kind of call answered, both cas outcomes seen, and enough calls to overlap. */
function coversTheModel(ops: readonly Operation[]): boolean {
  const ok = ops.filter((op) => op.outcome === 'ok');
  return ok.length >= 50 && ['read', 'write'].every((f) => ok.some((op) => op.f === f))
    && ok.some((op) => op.f === 'cas' && op.output === true) && ok.some((op) => op.f === 'cas' && op.output === false);
}

/**
 * Runs the workload until the history shows what a test needs (not for a fixed time: a loaded
 * machine answers fewer calls per second), bounded by `limitMs`.
 */
async function runWorkload(stale: boolean, enough: (ops: readonly Operation[]) => boolean, limitMs = 30_000) {
  const gateway = fakeServer(false);
  const node = fakeServer(true);
  const gatewayUrl = await listen(gateway);
  const nodeUrl = await listen(node);
  const history = new HistoryRecorder(new RunClock());
  const w = new RegisterWorkload({
    gatewayUrl, rateRps: 400, clients: 5, keys: ['a', 'b', 'c'], timeoutMs: 2000, clientId: 'test', rng: new Rng(7), history,
    ...(stale ? { staleReadNodes: [{ id: 'node1', url: nodeUrl }] } : {}),
  });
  w.start();
  const deadline = Date.now() + limitMs;
  let reached = false;
  while (!(reached = enough(pairOperations([...history.events]))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await w.close();
  gateway.close();
  node.close();
  return { history, stats: w.stats(), reached };
}

test('through a correct service: keyed, unique values, cas ok(false) recorded, linearizable', async () => {
  const { history, stats, reached } = await runWorkload(false, coversTheModel);
  const ops = pairOperations(history.events);
  assert.ok(reached, `within 30 s the history never held reads, writes and both cas outcomes (${ops.length} ops)`);
  assert.is(stats.invoked, ops.length);
  assert.is(stats.ok, ops.length, 'a correct local service answers every call');
  assert.ok(ops.every((op) => op.key !== undefined && ['a', 'b', 'c'].includes(op.key)));
  for (const f of ['read', 'write', 'cas']) assert.ok(ops.some((op) => op.f === f), `some ${f}`);
  const written = ops.filter((op) => op.f === 'write').map((op) => op.input).concat(ops.filter((op) => op.f === 'cas').map((op) => (op.input as string[])[1]!));
  assert.is(new Set(written).size, written.length, 'every written value is unique');
  assert.ok(ops.some((op) => op.f === 'cas' && op.output === true), 'some cas swapped');
  assert.ok(ops.some((op) => op.f === 'cas' && op.output === false), 'some cas found another value and is ok(false)');
  const r = checkLinearizable(casRegister, ops, { budgetMs: 10_000 });
  assert.is(r.valid, true, r.reason);
  assert.is(r.partitionCount, 3);
});

test('reads from a frozen copy (the unsafe stale path) are caught as not linearizable', async () => {
  // A frozen read of a key after a write to it was acknowledged returns nil, which nothing wrote since.
  const staleReadsAfterWrites = (ops: readonly Operation[]) => ops.filter((read) => read.f === 'read' && read.outcome === 'ok'
    && ops.some((w) => w.f === 'write' && w.outcome === 'ok' && w.key === read.key && w.returnNs < read.callNs)).length >= 3;
  const { history, reached } = await runWorkload(true, staleReadsAfterWrites);
  assert.ok(reached, 'within 30 s, three reads of a key sent after a write to it was acknowledged');
  const r = checkLinearizable(casRegister, pairOperations(history.events), { budgetMs: 10_000 });
  assert.is(r.valid, false);
  assert.ok(r.counterexample, 'a counterexample');
});

test.run();
