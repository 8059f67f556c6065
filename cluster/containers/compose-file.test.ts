// The committed container files are the generator's 3-node output, and the proxy's service-name
// links are the local toxiproxy.json's links (same names, same listen ports, same upstream ports).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../config.ts';
import { composeDocument, composeOverride, containerConfig, containerLinkSpecs, serviceAddress } from './compose-file.ts';
import { committed, composeText, targetsTexts, toxiproxyJsonText } from './generated-files.ts';
import { toYaml } from './yaml.ts';

const regenerate = 'out of step: run node --import tsx cluster/containers/generate-cli.ts';

test('docker-compose.yml, the service toxiproxy.json and the scrape targets are the generator\'s output', () => {
  const config = containerConfig(3);
  assert.is(readFileSync(committed.compose, 'utf8'), composeText(config), regenerate);
  assert.is(readFileSync(committed.toxiproxyJson, 'utf8'), toxiproxyJsonText(config), regenerate);
  const texts = targetsTexts(config);
  assert.equal(readdirSync(committed.targetsDir).sort(), Object.keys(texts).sort());
  for (const [name, text] of Object.entries(texts)) assert.is(readFileSync(join(committed.targetsDir, name), 'utf8'), text, regenerate);
});

test('the service links match the local toxiproxy.json link for link, by service name', () => {
  const local = JSON.parse(readFileSync(join(repoRoot, 'toxiproxy.json'), 'utf8')) as { name: string; listen: string; upstream: string }[];
  const service = JSON.parse(readFileSync(committed.toxiproxyJson, 'utf8')) as typeof local;
  assert.equal(service.map((s) => s.name), local.map((s) => s.name));
  const port = (hp: string) => hp.split(':').pop();
  for (const [i, s] of service.entries()) {
    assert.is(port(s.listen), port(local[i]!.listen), s.name);
    assert.is(port(s.upstream), port(local[i]!.upstream), s.name);
    assert.is(s.listen.split(':')[0], '0.0.0.0');
    assert.is(s.upstream.split(':')[0], s.name.split('_to_')[1]);
  }
});

test('--nodes 5: the override adds node4 and node5 with the shared data root, their own address and published port', () => {
  const config = containerConfig(5);
  const links = containerLinkSpecs(config);
  assert.is(links.length, 5 * 4 + 5);
  assert.ok(links.some((l) => l.name === 'node5_to_node4' && l.listen === '0.0.0.0:18054' && l.upstream === 'node4:8084'));
  const text = toYaml(composeOverride(config, { toxiproxyJson: '/x/toxiproxy.json', targetsDir: '/x/targets' }));
  assert.match(text, /node5:\n {4}image:/);
  assert.match(text, /node5:\n[^]*"\$\{RAFT_NODES_DIR:-\.\/data\/docker\/nodes\}:\/data"/);
  assert.not.match(text, /node5-data/);
  assert.match(text, /127\.0\.0\.1:\$\{NODE5_PORT:-8085\}:8085/);
  assert.match(text, /ipv4_address: "\$\{RAFT_SUBNET_PREFIX:-172\.29\.0\}\.15"/);
  assert.match(text, /RAFT_NODES: "5"/);
  assert.is(serviceAddress('node5', '10.1.2'), '10.1.2.15');
  assert.is(serviceAddress('gateway'), '172.29.0.10');
});

test('every published port is bound to 127.0.0.1, every service runs under an init', () => {
  const text = readFileSync(committed.compose, 'utf8');
  const ports = [...text.matchAll(/ports: \[(.*)\]/g)].flatMap((m) => m[1]!.split(', '));
  assert.ok(ports.length >= 6);
  for (const p of ports) assert.match(p, /^"127\.0\.0\.1:/);
  const services = text.split('\n  ').filter((b) => /^[a-z0-9]+:\n {4}image:/.test(b));
  for (const block of services) assert.match(block, /init: true/, block.split(':')[0]);
});

test('security: nodes mount the host-made auth and tls read-only, gateway and dashboard the auth; every caller gets the settings', () => {
  const doc = composeDocument(containerConfig(3)) as { services: Record<string, { volumes?: string[]; environment?: Record<string, string> }> };
  const auth = '${RAFT_SECURITY_DIR:-./data/docker}/auth:/data/auth:ro';
  const tls = '${RAFT_SECURITY_DIR:-./data/docker}/tls:/data/tls:ro';
  for (const n of ['node1', 'node2', 'node3']) {
    assert.ok(doc.services[n]!.volumes!.includes(auth) && doc.services[n]!.volumes!.includes(tls), n);
    assert.is(doc.services[n]!.environment!.INITIAL_CLUSTER_STATE, '${INITIAL_CLUSTER_STATE:-auto}');
  }
  for (const s of ['node1', 'gateway', 'dashboard']) {
    assert.ok(doc.services[s]!.volumes!.includes(auth), s);
    assert.is(doc.services[s]!.environment!.RAFT_AUTH, '${RAFT_AUTH:-true}', s);
    assert.is(doc.services[s]!.environment!.RAFT_PEER_TLS, '${RAFT_PEER_TLS:-true}', s);
  }
});

test('node data: one host folder bind-mounted at /data in every node (no named volume), sync ledger off unless asked', () => {
  const doc = composeDocument(containerConfig(3)) as { services: Record<string, { volumes?: string[]; environment?: Record<string, string> }>; volumes?: unknown };
  for (const n of ['node1', 'node2', 'node3']) {
    assert.is(doc.services[n]!.volumes![0], '${RAFT_NODES_DIR:-./data/docker/nodes}:/data', n);
    assert.is(doc.services[n]!.environment!.RAFT_SYNC_LEDGER, '${RAFT_SYNC_LEDGER:-0}', n);
    assert.is(doc.services[n]!.environment!.RAFT_FSYNC_DELAY_MS, '${RAFT_FSYNC_DELAY_MS:-0}', n);
  }
  assert.is(doc.volumes, undefined);
  assert.not.match(readFileSync(committed.compose, 'utf8'), /^volumes:/m);
});

test.run();
