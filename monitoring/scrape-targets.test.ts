import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../cluster/config.ts';
import { monitoringDir, preparePrometheusWorkdir } from './prometheus-workdir.ts';
import { scrapeTargets } from './scrape-targets.ts';

const env = (extra: Record<string, string>) => ({ RAFT_CONFIG: '', ...extra }) as NodeJS.ProcessEnv;

test('targets follow the configuration: 5 nodes on other ports need no edit', () => {
  const config = loadConfig(env({ RAFT_NODES: '5', RAFT_BASE_PORT: '9101', GATEWAY_PORT: '9200', RAFT_HOST: '127.0.0.2' }));
  const t = scrapeTargets(config);
  assert.equal(t.raftNode, [1, 2, 3, 4, 5].map((i) => ({ targets: [`127.0.0.2:${9100 + i}`], labels: { __node_id: `node${i}` } })));
  assert.equal(t.gateway, [{ targets: ['127.0.0.1:9200'], labels: { __node_id: 'gateway' } }]);
});

test('nodes are scraped directly even when links go through the proxy', () => {
  const config = loadConfig(env({ RAFT_LINKS: 'toxiproxy', RAFT_BASE_PORT: '9101', GATEWAY_PORT: '9100', RAFT_PROXY_BASE_PORT: '19000' }));
  assert.equal(scrapeTargets(config).raftNode.map((g) => g.targets[0]), ['127.0.0.1:9101', '127.0.0.1:9102', '127.0.0.1:9103']);
});

test('workdir: verbatim config and rules, targets rewritten on each call, TSDB kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prom-workdir-'));
  try {
    const five = loadConfig(env({ RAFT_NODES: '5' }));
    const w = preparePrometheusWorkdir(dir, five);
    assert.is(readFileSync(w.configFile, 'utf8'), readFileSync(join(monitoringDir, 'prometheus.yml'), 'utf8'));
    const rules = readdirSync(join(monitoringDir, 'rules')).filter((n) => n.endsWith('.yml')).sort();
    assert.ok(rules.length >= 2);
    assert.equal(readdirSync(w.rulesDir).sort(), rules);
    for (const r of rules) assert.is(readFileSync(join(w.rulesDir, r), 'utf8'), readFileSync(join(monitoringDir, 'rules', r), 'utf8'));
    assert.is(JSON.parse(readFileSync(join(w.targetsDir, 'raft-node.json'), 'utf8')).length, 5);

    const three = loadConfig(env({ RAFT_NODES: '3' }));
    preparePrometheusWorkdir(dir, three);
    const groups = JSON.parse(readFileSync(join(w.targetsDir, 'raft-node.json'), 'utf8')) as { labels: { __node_id: string } }[];
    assert.equal(groups.map((g) => g.labels.__node_id), ['node1', 'node2', 'node3']);
    // chaos-runner.json and bench.json: empty lists until a run or a bench registers itself.
    assert.equal(readdirSync(w.targetsDir).sort(), ['bench.json', 'chaos-runner.json', 'gateway.json', 'raft-node.json'], 'no temp file left behind');
    assert.equal(JSON.parse(readFileSync(join(w.targetsDir, 'chaos-runner.json'), 'utf8')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
