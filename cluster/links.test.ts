import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig, repoRoot } from './config.ts';
import { defaultToxiproxyJson, linkSpecs } from './links.ts';

test('the committed toxiproxy.json is exactly the links of the default config', () => {
  const committed = readFileSync(join(repoRoot, 'toxiproxy.json'), 'utf8');
  assert.is(committed, defaultToxiproxyJson(), 'regenerate with: node --import tsx cluster/links-cli.ts');
});

test('3 nodes: 6 directed peer links and 3 gateway links, each to the right upstream', () => {
  const specs = linkSpecs(loadConfig({}));
  assert.is(specs.length, 9);
  const byName = new Map(specs.map((s) => [s.name, s]));
  assert.equal(byName.get('node1_to_node2'), { name: 'node1_to_node2', listen: '127.0.0.1:18012', upstream: '127.0.0.1:8082', enabled: true });
  assert.equal(byName.get('node3_to_node1')?.upstream, '127.0.0.1:8081');
  assert.equal(byName.get('gateway_to_node3'), { name: 'gateway_to_node3', listen: '127.0.0.1:18003', upstream: '127.0.0.1:8083', enabled: true });
  assert.is(new Set(specs.map((s) => s.listen)).size, specs.length, 'listen addresses are distinct');
});

test('5 nodes: 20 directed peer links and 5 gateway links, generated without code edits', () => {
  const specs = linkSpecs(loadConfig({ RAFT_NODES: '5' }));
  assert.is(specs.filter((s) => s.name.startsWith('node')).length, 20);
  assert.is(specs.filter((s) => s.name.startsWith('gateway')).length, 5);
  assert.is(new Set(specs.map((s) => s.listen)).size, 25);
});

test.run();
