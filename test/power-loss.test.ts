// Power loss against a real local cluster (issue 23): writes flow, every node is SIGKILLed at
// once, powerCut drops from each data directory whatever it had not fsynced (sync-ledger.ts),
// and the cluster restarts. Every write acknowledged before the cut must still be there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { localNodeDir } from '../cluster/local/wipe-node.ts';
import { Rng } from '../cluster/common/rng.ts';
import { powerCut } from '../cluster/storage/power-cut.ts';
import { gatewayWrite, startCluster, type Cluster } from './cluster-harness.ts';

const seed = Number(process.env.POWER_CUT_SEED ?? 23);
const rounds = 3;
console.log(`power-loss seed ${seed} (POWER_CUT_SEED=${seed} reruns the same cuts)`);

const write = (c: Cluster, n: number): Promise<number | null> => gatewayWrite(c, { n }, { source: 'power-loss', timeoutMs: 5000 });

/** `writers` loops writing until `stop` resolves; acknowledged writes go into `acked` (entryId -> n). */
function writeLoad(c: Cluster, writers: number, acked: Map<number, number>, next: { n: number }): { stop(): Promise<void> } {
  let running = true;
  const loops = Array.from({ length: writers }, async () => {
    for (let i = 0; running && i < 5000; i++) {
      const n = next.n++;
      const id = await write(c, n);
      if (id !== null) acked.set(id, n);
    }
  });
  return { stop: async () => { running = false; await Promise.all(loops); } };
}

test('power loss: every node killed and cut at once, three times, under writes: no acknowledged write lost', async () => {
  const c = await startCluster({ env: { RAFT_SYNC_LEDGER: '1', RAFT_FSYNC_DELAY_MS: '15' }, readyTimeoutMs: 90_000 });
  try {
    await c.waitForLeader({ timeoutMs: 20_000 });
    const rng = new Rng(seed);
    const acked = new Map<number, number>();
    const next = { n: 0 };
    let truncated = 0;
    for (let round = 1; round <= rounds; round++) {
      const leader = await c.waitForLeader({ timeoutMs: 30_000 });
      const load = writeLoad(c, 6, acked, next);
      await new Promise((r) => setTimeout(r, 3000));
      await Promise.all(c.nodeIds.map((id) => c.kill(id)));
      await load.stop();
      for (const id of c.nodeIds) {
        const cut = powerCut(localNodeDir(c.dataDir, id), rng);
        truncated += cut.actions.filter((a) => a.action !== 'kept').length;
      }
      // The old leader, whose own copy was durable before it counted it, comes back last: the
      // followers must elect one of themselves from what their disks really kept.
      for (const id of c.nodeIds) if (id !== leader) await c.startNode(id);
      await c.waitForLeader({ timeoutMs: 30_000 }).catch(() => null);
      await c.startNode(leader);
    }
    await c.waitForLeader({ timeoutMs: 30_000 });
    assert.ok(acked.size >= 20, `acknowledged writes: ${acked.size}`);
    console.log(`power-loss: ${acked.size} acknowledged writes, ${truncated} files cut or removed over ${rounds} cuts`);
    const lost: string[] = [];
    for (const [entryId, n] of [...acked].sort((a, b) => a[0] - b[0])) {
      const res = await fetch(`${c.gatewayUrl}/api/entries/${entryId}`, { signal: AbortSignal.timeout(10_000) });
      const body = await res.json() as { data?: unknown };
      if (res.status !== 200) lost.push(`${entryId}: ${res.status}`);
      else if (JSON.stringify(body.data) !== JSON.stringify({ n })) lost.push(`${entryId}: holds ${JSON.stringify(body.data)}, not n=${n}`);
    }
    assert.equal(lost, [], `lost ${lost.length} of ${acked.size} acknowledged writes`);
    for (const id of c.nodeIds) {
      assert.ok(c.manager.list().find((p) => p.name === id)?.alive, `${id} is running`);
      assert.not.match(readFileSync(c.logPath(id), 'utf8'), /invariant|storage failure|WalCorrupt/i, `${id} log`);
    }
  } finally {
    await c.stop();
  }
});

test.run();
