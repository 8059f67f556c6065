// The etcd-tls reference really speaks mutual TLS, on a real 3-member etcd: its client port
// refuses plain HTTP and a TLS client without a certificate, its peers talk https, and the
// bench's own load engine (with the target's client certificate) gets every put through.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Agent, request } from 'undici';
import { runOpenLoop } from '../open-loop.ts';
import type { BenchTarget } from '../cli/bench-target.ts';
import { startEtcdTarget } from './etcd-target.ts';

let target: BenchTarget;
let agent: Agent;

test.before(async () => {
  target = await startEtcdTarget(() => undefined, { tls: true });
  agent = new Agent({ connect: { ...target.tls! } });
});

test.after(async () => {
  await agent?.close();
  await target?.release(null);
});

/** A status code, or the error code when the exchange failed. */
function plainPost(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end('{}');
  });
}

test('the run records mutual TLS and targets https with a client certificate', () => {
  assert.equal(target.cluster.security, { clientTls: 'mutual', peerTls: 'mutual' });
  assert.match(target.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(target.tls && target.tls.cert.length > 0 && target.tls.key.length > 0 && target.tls.ca.length > 0);
  for (const n of target.cluster.nodes) assert.match(n.url, /^https:/);
});

test('plain HTTP to the client port is refused: no put goes through', async () => {
  const url = `${target.url.replace('https:', 'http:')}/v3/kv/put`;
  const got = await plainPost(url);
  // Go's TLS listener answers a plain request 400 ("client sent an HTTP request to an HTTPS server").
  assert.ok(got !== 200, `plain http answered ${got}`);
});

test('TLS without a client certificate is refused in the handshake', async () => {
  const got = await new Promise<string>((resolve) => {
    const req = httpsRequest(`${target.url}/v3/kv/put`, { method: 'POST', ca: target.tls!.ca, timeout: 3000 }, (res) => {
      res.resume();
      resolve(`status ${res.statusCode}`);
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code ?? e.message}`));
    req.end('{}');
  });
  assert.match(got, /^error /);
});

test('the peers talk https: the member list names only https peer URLs', async () => {
  const res = await request(`${target.url}/v3/cluster/member/list`, { method: 'POST', body: '{}', dispatcher: agent });
  const body = await res.body.json() as { members: { peerURLs: string[] }[] };
  assert.is(res.statusCode, 200);
  assert.is(body.members.length, 3);
  for (const m of body.members) for (const u of m.peerURLs) assert.match(u, /^https:\/\/127\.0\.0\.1:\d+$/);
  // And a peer port refuses plain HTTP too.
  const peer = body.members[0]!.peerURLs[0]!.replace('https:', 'http:');
  assert.ok(await plainPost(`${peer}/raft`) !== 200);
});

test('the load engine with the target\'s certificate gets every put through', async () => {
  const r = await runOpenLoop({
    target: target.url, rateRps: 50, durationMs: 1000, connections: 4, buildRequest: target.requests!,
    tls: target.tls!, preconnectPath: target.preconnectPath!,
  });
  assert.is(r.sent, 50);
  assert.is(r.ok, 50, JSON.stringify(r.errorSamples));
});

test.run();
