import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../cluster/config.ts';
import { ensureToxiproxy, ToxiproxyUnavailableError } from '../cluster/local/toxiproxy-member.ts';
import { findFreePortRange } from '../cluster/local/port-check.ts';
import { ProcessManager } from '../cluster/local/process-manager.ts';
import { startCluster } from './cluster-harness.ts';

test('a running proxy that serves another cluster is refused, not taken over', async () => {
  const a = await startCluster({ nodes: 1, env: { RAFT_FSYNC: 'never' } });
  const dir = mkdtempSync(join(tmpdir(), 'foreign-links-'));
  try {
    const before = await (await fetch(new URL('/proxies', a.config.links.toxiproxyUrl))).json() as Record<string, { upstream: string }>;
    // Cluster B: other node ports, same proxy URL and link ports as A.
    const otherBase = await findFreePortRange(3);
    const b = loadConfig({
      RAFT_NODES: '1', RAFT_BASE_PORT: String(otherBase), GATEWAY_PORT: String(otherBase + 1), RAFT_DATA_DIR: dir,
      RAFT_LINKS: 'toxiproxy', TOXIPROXY_URL: a.config.links.toxiproxyUrl, RAFT_PROXY_BASE_PORT: String(a.config.links.proxyBasePort),
    });
    let error: unknown = null;
    try {
      await ensureToxiproxy(b, new ProcessManager(dir));
    } catch (err) {
      error = err;
    }
    assert.instance(error, ToxiproxyUnavailableError);
    assert.match((error as Error).message, /already serves another cluster/);
    const after = await (await fetch(new URL('/proxies', a.config.links.toxiproxyUrl))).json() as Record<string, { upstream: string }>;
    assert.equal(after, before, "cluster A's links are untouched");
    assert.ok(await a.leader(), 'cluster A still has a leader');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await a.stop();
  }
});

test.run();
