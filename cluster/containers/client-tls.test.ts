// Client TLS in containers (RAFT_CLIENT_TLS=true): a real compose cluster (its own project, subnet,
// ports and data dir) serves https on the gateway and the nodes; a write goes host -> gateway ->
// toxiproxy -> node, TLS on both client hops, so the node certificates must name the proxy too.
// Certificates an earlier peer-TLS-only `up` made (without that name) are made again under the same
// CA. Needs dockerd and `npx just images`; without them: skipped with the reason, failed under CI=true.
import { X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../config.ts';
import { ensureClusterCerts } from '../auth/cluster-certs.ts';
import { readImagesEnv, readRecord, runCompose, type DockerClusterRecord } from './docker-cluster.ts';
import { writeImagesEnv } from './images.ts';
import { dockerUnavailable, freeDockerPorts } from './docker-test-kit.ts';

const reason = await dockerUnavailable();
if (reason !== null) {
  if (process.env.CI === 'true') test('client TLS in containers', () => { assert.unreachable(`containers cannot run here: ${reason}`); });
  else {
    console.log(`[skip] client TLS in containers: ${reason}`);
    test.skip('client TLS in containers', () => {});
  }
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'raft-docker-tls-'));
  const dockerData = join(dataDir, 'docker');
  const base = await freeDockerPorts(8);
  const env: NodeJS.ProcessEnv = {
    ...process.env, COMPOSE_PROJECT_NAME: `raftchaostls${process.pid}`, RAFT_SUBNET_PREFIX: '172.30.8', RAFT_DATA_DIR: dataDir,
    GATEWAY_PORT: String(base), RAFT_BASE_PORT: String(base + 1), TOXIPROXY_URL: `http://127.0.0.1:${base + 4}`,
    PROMETHEUS_PORT: String(base + 5), DASHBOARD_PORT: String(base + 6), RAFT_CLIENT_TLS: 'true',
  };
  const cli = (args: string[], timeoutMs = 240_000) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './cluster/containers/register.ts', ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: timeoutMs });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  let record: DockerClusterRecord | null = null;
  let caBefore = '';
  const gateway = `https://127.0.0.1:${base}`;

  test.before(() => {
    const images = readImagesEnv(join(repoRoot, 'data', 'docker'));
    if (images) writeImagesEnv(join(dockerData, 'images.env'), images as never);
    // As an earlier `up` with peer TLS only left them: node certificates naming 127.0.0.1, not the proxy.
    ensureClusterCerts(dockerData, ['node1', 'node2', 'node3'], '127.0.0.1', 'compose');
    caBefore = readFileSync(join(dockerData, 'tls', 'ca.crt'), 'utf8');
    const up = cli(['cluster/local/cli.ts', 'up', '--runtime', 'docker'], 300_000);
    if (up.code !== 0) console.error(`up --runtime docker failed: ${up.out}`);
    assert.is(up.code, 0, up.out);
    record = readRecord(dockerData);
  });
  test.after(() => {
    if (record) runCompose(record, ['down', '-v', '--remove-orphans', '-t', '2']);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the record and the certificates: client TLS on, node certificates name the proxy and 127.0.0.1 under the same CA', () => {
    assert.is(record?.env.RAFT_CLIENT_TLS, 'true');
    assert.is(readFileSync(join(dockerData, 'tls', 'ca.crt'), 'utf8'), caBefore, 'the CA was kept');
    for (const id of ['node1', 'node2', 'node3']) {
      const san = new X509Certificate(readFileSync(join(dockerData, 'tls', `${id}.crt`))).subjectAltName ?? '';
      assert.match(san, `DNS:${id}`);
      assert.match(san, 'DNS:toxiproxy');
      assert.match(san, 'IP Address:127.0.0.1');
    }
    assert.match(new X509Certificate(readFileSync(join(dockerData, 'tls', 'gateway.crt'))).subjectAltName ?? '', 'IP Address:127.0.0.1');
  });

  test('a write over https through the gateway and the proxy commits; plain http is refused; an untrusted client fails the handshake', async () => {
    const token = readFileSync(join(dockerData, 'auth', 'admin.token'), 'utf8').trim();
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const body = JSON.stringify({ data: 'over-tls' });
    const trusted = new Agent({ connect: { ca: readFileSync(join(dockerData, 'tls', 'ca.crt')) } });
    try {
      const ok = await undiciFetch(`${gateway}/api/write`, { method: 'POST', headers, body, dispatcher: trusted, signal: AbortSignal.timeout(15_000) });
      const json = await ok.json() as { success?: boolean; leader?: string };
      assert.is(ok.status, 200, JSON.stringify(json));
      assert.ok(json.success, JSON.stringify(json));
      assert.match(json.leader ?? '', /^node[123]$/);
    } finally {
      await trusted.close();
    }
    const plain = await fetch(`http://127.0.0.1:${base}/api/write`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    assert.is(plain.status, 403);
    assert.is(((await plain.json()) as { code: string }).code, 'TLS_REQUIRED');
    const untrusted = new Agent();
    try {
      await undiciFetch(`${gateway}/api/write`, { method: 'POST', headers, body, dispatcher: untrusted, signal: AbortSignal.timeout(10_000) });
      assert.unreachable('a client without the cluster CA got through');
    } catch (err) {
      assert.not.instance(err, assert.Assertion);
    } finally {
      await untrusted.close();
    }
  });

  test('just status --runtime docker reads the cluster over https: one leader', () => {
    const s = cli(['cluster/local/cli.ts', 'status', '--runtime', 'docker'], 60_000);
    assert.is(s.code, 0, s.out);
    assert.match(s.out, `https://127.0.0.1:${base + 1}`);
    assert.is((s.out.match(/LEADER/g) ?? []).length, 1, s.out);
  });
}

test.run();
