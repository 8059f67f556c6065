// Client TLS with real processes: a cluster started with RAFT_CLIENT_TLS=true (the harness, as
// `npx just up` does) is asked as a project client (global fetch, trusting the cluster CA) and
// as a stranger would: https with the CA works, plain HTTP and https without the CA do not.
// (A chaos run with client TLS on is a manual run, cluster/auth/README.md: on a loaded machine
// its verdict is not this test's to decide.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Agent, fetch as undiciFetch } from 'undici';
import { startCluster, type Cluster } from '../../test/cluster-harness.ts';
import { clusterCa } from '../common/client-credentials.ts';

let c: Cluster;
test.before(async () => {
  c = await startCluster({ readyTimeoutMs: 60_000, env: { RAFT_CLIENT_TLS: 'true' } });
});
test.after(async () => { await c?.stop(); });

test('the config records client TLS; https with the cluster CA works; plain HTTP gets 403 TLS_REQUIRED (health and metrics stay plain); https without the CA fails', async () => {
  const leader = await c.waitForLeader();
  const urls = [c.nodeUrl(leader), c.gatewayUrl];
  assert.is(c.config.security.clientTls, true);
  for (const url of urls) {
    assert.match(url, /^https:\/\//);
    assert.ok(clusterCa(url), `the CA is known for ${url}`);
    const ok = await fetch(`${url}/api/kv/tls-check`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":"v"}', signal: AbortSignal.timeout(10_000) });
    assert.is(ok.status, 200, `${url}: ${await ok.text()}`);
    await ok.text().catch(() => undefined);
    const plainUrl = url.replace('https://', 'http://');
    const plain = await fetch(`${plainUrl}/api/kv/tls-check`, { signal: AbortSignal.timeout(10_000) });
    assert.is(plain.status, 403);
    assert.is(((await plain.json()) as { code: string }).code, 'TLS_REQUIRED');
    for (const open of ['/healthz', '/metrics']) assert.is((await fetch(`${plainUrl}${open}`, { signal: AbortSignal.timeout(10_000) })).status, 200, `${plainUrl}${open}`);
    // A client that does not trust the cluster CA cannot talk to it.
    const stranger = new Agent();
    const err = await undiciFetch(`${url}/healthz`, { dispatcher: stranger, signal: AbortSignal.timeout(10_000) }).then(() => null, (e: Error & { cause?: { code?: string } }) => e);
    await stranger.close();
    assert.ok(err !== null, `${url} answered a client without the CA`);
    assert.match(String(err.cause?.code ?? err.message), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  }
});

test.run();
