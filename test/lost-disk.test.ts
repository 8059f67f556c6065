// Lost disks against a real local cluster (issue 23): a follower's data directory is wiped while
// it is down. The wiped node must not vote or count towards commit until it caught up again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { localNodeDir, wipeNodeData } from '../cluster/local/wipe-node.ts';
import { gatewayWrite, startCluster, type Cluster } from './cluster-harness.ts';
import { eventually } from './eventually.ts';

const write = (c: Cluster, n: number): Promise<number | null> => gatewayWrite(c, { n }, { source: 'lost-disk', timeoutMs: 10_000 });

async function readEntry(c: Cluster, id: number): Promise<{ status: number; data: unknown }> {
  const res = await fetch(`${c.gatewayUrl}/api/entries/${id}`, { signal: AbortSignal.timeout(10_000) });
  const body = await res.json() as { data?: unknown };
  return { status: res.status, data: body.data };
}

/** Every acknowledged write must still read back as itself. */
async function lostWrites(c: Cluster, acked: Map<number, number>): Promise<string[]> {
  const lost: string[] = [];
  for (const [entryId, n] of acked) {
    const r = await readEntry(c, entryId);
    if (r.status !== 200) lost.push(`${entryId}: ${r.status}`);
    else if (JSON.stringify(r.data) !== JSON.stringify({ n })) lost.push(`${entryId}: holds ${JSON.stringify(r.data)}, not n=${n}`);
  }
  return lost;
}

function crashedOnInvariant(c: Cluster): string[] {
  return c.nodeIds.filter((id) => /invariant|RaftInvariant|storage failure/i.test(readFileSync(c.logPath(id), 'utf8')));
}

test('lost disk: follower A down, writes on leader+B, B wiped and restarted, leader killed, A back: no acknowledged write lost', async () => {
  const c = await startCluster({ readyTimeoutMs: 45_000 });
  try {
    const leader = await c.waitForLeader();
    const [a, b] = c.nodeIds.filter((id) => id !== leader) as [string, string];
    await c.stopNode(a);
    const acked = new Map<number, number>();
    for (let n = 0; n < 150; n++) {
      const id = await write(c, n);
      if (id !== null) acked.set(id, n);
    }
    assert.ok(acked.size >= 140, `writes acknowledged by ${leader}+${b}: ${acked.size}`);

    await c.kill(b);
    const wiped = await wipeNodeData(localNodeDir(c.dataDir, b));
    assert.ok(wiped.removed.includes('raft'), `wiped ${b}: ${wiped.removed.join(', ')}`);
    await c.startNode(b);
    await c.kill(leader);
    await c.startNode(a);
    // A has a shorter log, B has nothing and knows it: neither may lead until the old leader returns.
    await eventually(`${b} to answer`, async () => (await c.status()).get(b) !== null, 15_000);
    const stB = (await c.status()).get(b)!;
    assert.is((stB as unknown as { catchingUp: boolean }).catchingUp, true, `${b} knows it lost its state`);
    for (let i = 0; i < 6; i++) {
      const st = await c.status();
      const leaders = [...st.values()].filter((s) => s?.state === 'LEADER').map((s) => s!.id);
      assert.equal(leaders, [], `no leader without the node that holds the writes (poll ${i})`);
      await new Promise((r) => setTimeout(r, 500));
    }

    await c.startNode(leader);
    await c.waitForLeader({ timeoutMs: 20_000 });
    await eventually(`${b} to catch up`, async () => {
      const st = (await c.status()).get(b) as unknown as { catchingUp?: boolean } | null;
      return st !== null && st.catchingUp === false;
    }, 30_000);
    assert.equal(await lostWrites(c, acked), [], 'every acknowledged write reads back as itself');
    assert.ok((await write(c, 1000)) !== null, 'the cluster takes writes again');
    assert.equal(crashedOnInvariant(c), [], 'no node crashed');
    for (const id of c.nodeIds) assert.ok(c.manager.list().find((p) => p.name === id)?.alive, `${id} is running`);
  } finally {
    await c.stop();
  }
});

test('lost disk: one wiped follower with nothing else going on catches up and votes again', async () => {
  const c = await startCluster({ readyTimeoutMs: 45_000 });
  try {
    const leader = await c.waitForLeader();
    const f = c.nodeIds.find((id) => id !== leader)!;
    const acked = new Map<number, number>();
    for (let n = 0; n < 30; n++) {
      const id = await write(c, n);
      if (id !== null) acked.set(id, n);
    }
    await c.kill(f);
    await wipeNodeData(localNodeDir(c.dataDir, f));
    await c.startNode(f);
    await eventually(`${f} to catch up`, async () => {
      const st = await c.status();
      const s = st.get(f) as unknown as { catchingUp?: boolean; commitIndex: number } | null;
      return s !== null && s.catchingUp === false && s.commitIndex === st.get(leader)?.commitIndex;
    }, 30_000);
    // Persisted just after the batch that reported it (caught up is written lazily: safe direction).
    await eventually('caught up to be persisted', async () =>
      (JSON.parse(readFileSync(`${localNodeDir(c.dataDir, f)}/identity.json`, 'utf8')) as { state: string }).state === 'member', 5000);
    // It votes again: with the old leader gone, it and the third node elect a leader holding everything.
    await c.kill(leader);
    await c.waitForLeader({ exclude: [leader], timeoutMs: 20_000 });
    assert.equal(await lostWrites(c, acked), []);
    assert.equal(crashedOnInvariant(c), []);
  } finally {
    await c.stop();
  }
});

test.run();
