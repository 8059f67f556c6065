// `--alternate insecure` really runs the cluster with security off: a real 3-node cluster the
// bench starts takes a write with no token and a peer post with no certificate is not refused
// for want of one, and its description (recorded in run.json and results.json) says so.
import { request } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BenchTarget } from './bench-target.ts';
import { startReferenceTarget } from './reference-target.ts';

let target: BenchTarget;

test.before(async () => {
  target = await startReferenceTarget('insecure', 'never', () => undefined);
});

test.after(async () => {
  await target?.release(null);
});

/** node:http, not undici: nothing adds the cluster's token (cluster/common/client-credentials.ts). */
function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 5000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

test('the description records auth and peer TLS off', () => {
  assert.is(target.cluster.origin, 'started');
  assert.equal(target.cluster.config?.security.auth, false);
  assert.equal(target.cluster.config?.security.peerTls, false);
});

test('a write without a token succeeds', async () => {
  const r = await post(`${target.url}/api/write`, '{"data":"no-token","source":"test"}');
  assert.ok(r.status >= 200 && r.status < 300, `${r.status} ${r.text}`);
});

test('a plain peer post without a certificate is not refused for want of one', async () => {
  const node = target.cluster.nodes[0]!;
  const r = await post(`${node.url}/raft/messages`, '[]');
  assert.not.match(r.text, /PEER_CERT_REQUIRED/);
  assert.is.not(r.status, 403, r.text);
});

test.run();
