// The floor path as real processes: a write is answered only once it is durable on a majority,
// survives one follower's death, waits when no majority is left; stop leaves nothing behind.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFloorPath } from './floor-path.ts';
import type { FloorPath } from './floor-path.ts';

let floor: FloorPath;

test.before(async () => {
  floor = await startFloorPath({ fsync: 'always' });
});

test.after(async () => {
  await floor?.stop();
});

const write = (body: string, timeoutMs = 5000): Promise<Response> =>
  fetch(`${floor.url}/api/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
const logOf = (name: string): string => readFileSync(join(floor.dataDir, `${name}.log`), 'latin1');
const pidOf = (name: string): number => floor.processes.find((p) => p.name === name)!.pid;

test('a write is answered 201 once it is on the leader and on at least one follower', async () => {
  const res = await write('{"data":"first-write"}');
  assert.is(res.status, 201);
  assert.equal(await res.json(), { index: 1 });
  assert.ok(logOf('leader').includes('first-write'));
  assert.ok(logOf('follower1').includes('first-write') || logOf('follower2').includes('first-write'), 'durable on a majority');
});

test('the probe sees a gateway; anything but writes is refused with a JSON error', async () => {
  const status = await fetch(`${floor.url}/api/status`);
  assert.is(status.status, 200);
  assert.is((await status.json() as { floor: boolean }).floor, true);
  const del = await fetch(`${floor.url}/api/write`, { method: 'DELETE' });
  assert.is(del.status, 405);
  assert.is((await del.json() as { code: string }).code, 'METHOD_NOT_ALLOWED');
});

test('one follower down: writes still commit; both down: no majority, no answer', async () => {
  process.kill(pidOf('floor-follower1'), 'SIGKILL');
  const res = await write('{"data":"with-one-follower"}');
  assert.is(res.status, 201);
  assert.ok(logOf('follower2').includes('with-one-follower'));
  process.kill(pidOf('floor-follower2'), 'SIGKILL');
  const err = await write('{"data":"no-majority"}', 1000).then(() => null, (e: Error) => e);
  assert.is(err?.name, 'TimeoutError', 'a write without a majority must not be acknowledged');
  assert.ok(logOf('leader').includes('no-majority'), 'the leader made it durable, and still waited');
});

test('stop ends every process and removes the data', async () => {
  const pids = floor.processes.map((p) => p.pid);
  await floor.stop();
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), `pid ${pid} still alive`);
  assert.not.ok(existsSync(floor.dataDir));
});

test.run();
