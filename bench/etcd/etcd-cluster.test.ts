// A real 3-member etcd (Debian's etcd-server): it starts, elects, replicates a put, and leaves
// nothing behind; a missing binary is a one-line usage error.
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../cluster/common/cli-usage.ts';
import { etcdVersion, failureFromLog, startEtcdCluster } from './etcd-cluster.ts';
import type { EtcdCluster } from './etcd-cluster.ts';
import { etcdPut } from './etcd-target.ts';

let etcd: EtcdCluster;

test.before(async () => {
  etcd = await startEtcdCluster();
});

test.after(async () => {
  await etcd?.stop();
});

test('a put on the leader (the bench request itself) is readable from every member', async () => {
  assert.match(etcd.version, /^3\.\d+\.\d+/);
  const leader = await etcd.leader();
  const put = etcdPut(7);
  const res = await fetch(`${leader.clientUrl}${put.path}`, { method: put.method, headers: put.headers as Record<string, string>, body: put.body as string });
  assert.is(res.status, 200, await res.clone().text());
  const key = Buffer.from('bench/7').toString('base64');
  for (const m of etcd.members) {
    // A linearizable read (the default) on a follower goes through the leader's ReadIndex.
    const got = await (await fetch(`${m.clientUrl}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key }) })).json() as { kvs?: { value: string }[] };
    assert.is(Buffer.from(got.kvs?.[0]?.value ?? '', 'base64').toString(), 'x'.repeat(100), m.name);
  }
});

test('stop ends every member and removes the data dir', async () => {
  const pids = etcd.members.map((m) => m.pid);
  await etcd.stop();
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), `pid ${pid} still alive`);
  assert.not.ok(existsSync(etcd.dataDir));
});

test('a member that fails to start is named with the reason from its log', async () => {
  const err = await startEtcdCluster(3, 'etcd', 20_000, ['--quota-backend-bytes=abc']).then(() => null, (e: Error) => e);
  assert.ok(err, 'start must fail');
  assert.match(err!.message, /^etcd member etcd\d exited during start: invalid value "abc" for flag -quota-backend-bytes/);
  assert.not.match(err!.message, /\n/);
  assert.is(failureFromLog('{"level":"info","msg":"starting"}\n{"level":"fatal","msg":"listen failed","error":"address in use"}\n'), 'listen failed: address in use');
});

test('no etcd binary: a one-line usage error naming the package', () => {
  try {
    etcdVersion('/nonexistent/etcd');
    assert.unreachable('expected a UsageError');
  } catch (err) {
    assert.instance(err, UsageError);
    assert.match((err as Error).message, /apt-get install etcd-server/);
    assert.not.match((err as Error).message, /\n/);
  }
});

test.run();
