import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCluster } from './cluster-harness.ts';

// Several clusters share one machine (tests, benches, the user's own). With ids node1..nodeN in
// every cluster, a link that lands on another cluster's port must be refused, not obeyed.
test('a node refuses peer batches and gateway calls naming another cluster', async () => {
  // Peer TLS off: with it on, a plain-HTTP peer batch is refused for its missing certificate before its cluster is looked at (cluster/auth/security.test.ts).
  const c = await startCluster({ nodes: 1, env: { RAFT_FSYNC: 'never', RAFT_PEER_TLS: 'false' } });
  try {
    await c.waitForLeader();
    const url = c.nodeUrl('node1');
    const heartbeat = JSON.stringify([{ type: 'heartbeat', from: 'node2', to: 'node1', term: 99, commit: 0, readCtx: null }]);
    const foreign = await fetch(`${url}/raft/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-raft-cluster': 'someone-else' }, body: heartbeat });
    assert.is(foreign.status, 409);
    assert.is((await foreign.json() as { code: string }).code, 'CLUSTER_MISMATCH');
    const unnamed = await fetch(`${url}/raft/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: heartbeat });
    assert.is(unnamed.status, 409, 'peers must name their cluster');
    const status = await (await fetch(`${url}/raft/status`)).json() as { term: number; state: string };
    assert.ok(status.term < 99, 'the foreign heartbeat did not move the term');
    assert.is(status.state, 'LEADER');

    const write = (cluster?: string) => fetch(`${url}/api/write`, {
      method: 'POST', body: JSON.stringify({ data: 'x' }),
      headers: { 'content-type': 'application/json', ...(cluster ? { 'x-raft-cluster': cluster } : {}) },
    });
    assert.is((await write('someone-else')).status, 409);
    assert.is((await write(c.config.clusterId)).status, 200);
    assert.is((await write()).status, 200, 'a plain client (curl) need not name the cluster');
    // The gateway names the cluster on every call, and its writes go through.
    const viaGateway = await fetch(`${c.gatewayUrl}/api/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":"y"}' });
    assert.is(viaGateway.status, 200);
  } finally {
    await c.stop();
  }
});

test.run();
