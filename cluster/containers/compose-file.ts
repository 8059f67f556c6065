/**
 * The compose file, generated from the one cluster configuration (cluster/config.ts read with
 * cluster.container.json): the committed docker-compose.yml is the 3-node output, and
 * `just up --runtime docker --nodes N` writes an override with nodes 4..N and the N-node
 * proxy and scrape files (compose-file.test.ts keeps the committed files in step).
 *
 * Inside the network every process keeps the ports of the local layout (node<i> on 8080+i, the
 * proxy's link ports 18000+...), each in its own container; on the host only 127.0.0.1 ports
 * are published, chosen by the same variables as the local cluster's (GATEWAY_PORT, ...).
 * Everything stays within what compose 1.29 accepts (no top-level name, short-form ports).
 */
import { join } from 'node:path';
import { loadConfig, repoRoot, type ClusterConfig } from '../config.ts';
import { linkSpecs, type ProxySpec } from '../links.ts';
import { scrapeTargets, type ScrapeTargets } from '../../monitoring/scrape-targets.ts';
import type { YamlValue } from './yaml.ts';

export const containerConfigPath = join(repoRoot, 'cluster', 'containers', 'cluster.container.json');
export const networkName = 'raft';
export const defaultImages = {
  project: 'raft-chaos:local',
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
  prometheus: 'prom/prometheus:v2.53.0',
  grafana: 'grafana/grafana:11.3.0',
} as const;

/** The configuration every container reads (RAFT_CONFIG in the image), for `nodeCount` nodes. */
export function containerConfig(nodeCount = 3): ClusterConfig {
  return loadConfig({ RAFT_CONFIG: containerConfigPath, RAFT_NODES: String(nodeCount) });
}

/** The proxy's links by service name: the same names and ports as the local toxiproxy.json. */
export function containerLinkSpecs(config: ClusterConfig): ProxySpec[] {
  const port = (hostPort: string) => hostPort.slice(hostPort.lastIndexOf(':') + 1);
  return linkSpecs(config).map((s) => ({
    name: s.name, listen: `0.0.0.0:${port(s.listen)}`, upstream: `${s.name.slice(s.name.lastIndexOf('_to_') + 4)}:${port(s.upstream)}`, enabled: s.enabled,
  }));
}

/** Scrape targets by service name, never through the proxy (a partitioned node stays visible). */
export function containerScrapeTargets(config: ClusterConfig): ScrapeTargets {
  const t = scrapeTargets(config);
  const byName = (groups: ScrapeTargets['raftNode']) => groups.map((g) => ({ ...g, targets: g.targets.map((hp) => `${g.labels.__node_id}:${hp.slice(hp.lastIndexOf(':') + 1)}`) }));
  return { raftNode: byName(t.raftNode), gateway: byName(t.gateway) };
}

const subnet = '${RAFT_SUBNET_PREFIX:-172.29.0}';
const lastOctet: Readonly<Record<string, number>> = { toxiproxy: 5, prometheus: 6, grafana: 7, gateway: 10 };

/** The fixed address compose gives a service (what a reconnect without a ledger restores). */
export function serviceAddress(service: string, prefix = '172.29.0'): string | null {
  const node = /^node(\d+)$/.exec(service);
  const last = node ? 10 + Number(node[1]) : lastOctet[service];
  return last === undefined ? null : `${prefix}.${last}`;
}
const address = (last: number) => `${subnet}.${last}`;
/**
 * Security material made on the host by `up` (cluster/auth, as the local `up` does) in the docker
 * cluster's data dir, mounted read-only: every container shares one CA and one token store, and
 * host tools read the same admin.token. Certificates name the node ids, which peer-transport sends
 * as the TLS server name whatever host (here the proxy) the link goes through.
 */
const securityDir = '${RAFT_SECURITY_DIR:-./data/docker}';
const authMount = `${securityDir}/auth:/data/auth:ro`;
const tlsMount = `${securityDir}/tls:/data/tls:ro`;
const securityEnv = { RAFT_AUTH: '${RAFT_AUTH:-true}', RAFT_PEER_TLS: '${RAFT_PEER_TLS:-true}', RAFT_CLIENT_TLS: '${RAFT_CLIENT_TLS:-false}' } as const;
const projectImage = `\${PROJECT_IMAGE:-${defaultImages.project}}`;
/**
 * Every node's data root is one host folder, <data>/docker/nodes, bind-mounted at /data (owned by
 * the image's uid by `up`): node<i> writes /data/node<i> as a local node writes <data>/node<i>, so
 * the host can wipe (disk-loss) or power-cut (power-loss) a stopped node's files, a killed
 * container restarts with its log, and `auto` sees the peers' identities as locally.
 */
export const nodesDirVar = '${RAFT_NODES_DIR:-./data/docker/nodes}';
/** Off unless the run needs them (power-loss: chaos/experiments/power-loss.ts). */
const storageEnv = { RAFT_SYNC_LEDGER: '${RAFT_SYNC_LEDGER:-0}', RAFT_FSYNC_DELAY_MS: '${RAFT_FSYNC_DELAY_MS:-0}' } as const;

function healthcheck(port: number | string, path: string): YamlValue {
  // Exec form with node itself: the offline base's busybox wget cannot time out (-T crashes) and
  // the public node image has no wget. Each probe starts a node (~0.1 s of CPU), hence 5 s.
  const probe = `fetch('http://127.0.0.1:${port}${path}',{signal:AbortSignal.timeout(1500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
  return { test: ['CMD', 'node', '-e', probe], interval: '5s', timeout: '10s', retries: 20, start_period: '60s' };
}

function onNetwork(last: number): YamlValue {
  return { [networkName]: { ipv4_address: address(last) } };
}

export function nodeService(config: ClusterConfig, index: number): YamlValue {
  const n = config.nodes[index]!;
  return {
    image: projectImage,
    ...(index === 0 ? { build: { context: '.', args: { BASE_IMAGE: '${BASE_IMAGE:-node:20-bookworm-slim}' } } } : {}),
    command: ['cluster/node/main.ts', '--id', n.id],
    init: true,
    restart: 'no',
    stop_grace_period: '10s',
    environment: {
      RAFT_NODES: String(config.nodeCount), RAFT_CLUSTER_ID: '${RAFT_CLUSTER_ID:-compose}', RAFT_FSYNC: '${RAFT_FSYNC:-always}', ...securityEnv,
      ...storageEnv,
      // The nodes share one data root (nodesDirVar), so `auto` tells a node that lost its disk
      // (peers formed) from a new cluster, as locally (node-identity.ts).
      INITIAL_CLUSTER_STATE: '${INITIAL_CLUSTER_STATE:-auto}',
    },
    volumes: [`${nodesDirVar}:/data`, authMount, tlsMount],
    ports: [`127.0.0.1:\${${n.id.toUpperCase()}_PORT:-${n.port}}:${n.port}`],
    networks: onNetwork(11 + index),
    depends_on: { toxiproxy: { condition: 'service_started' } },
    healthcheck: healthcheck(n.port, '/healthz'),
  };
}

export function composeDocument(config: ClusterConfig = containerConfig(3)): YamlValue {
  const nodes = Object.fromEntries(config.nodes.map((n, i) => [n.id, nodeService(config, i)]));
  const gw = config.gateway.port;
  return {
    services: {
      toxiproxy: {
        image: `\${TOXIPROXY_IMAGE:-${defaultImages.toxiproxy}}`,
        // Flags both Shopify's toxiproxy-server and the project's stand-in (chaos/proxy/cli.ts) take.
        command: ['-host=0.0.0.0', '-config=/config/toxiproxy.json'],
        init: true,
        restart: 'no',
        volumes: ['./cluster/containers/toxiproxy.json:/config/toxiproxy.json:ro'],
        ports: ['127.0.0.1:${TOXIPROXY_PORT:-8474}:8474'],
        networks: onNetwork(lastOctet.toxiproxy!),
      },
      ...nodes,
      gateway: {
        image: projectImage,
        command: ['cluster/gateway/main.ts'],
        init: true,
        restart: 'no',
        stop_grace_period: '10s',
        environment: { RAFT_NODES: String(config.nodeCount), RAFT_CLUSTER_ID: '${RAFT_CLUSTER_ID:-compose}', ...securityEnv },
        // tls: its own certificate and the CA when client TLS is on (https in, https to the nodes' links).
        volumes: [authMount, tlsMount],
        ports: [`127.0.0.1:\${GATEWAY_PORT:-${gw}}:${gw}`],
        networks: onNetwork(lastOctet.gateway!),
        // Started, not healthy: the gateway finds the leader itself, and `just up` waits for one
        // over HTTP, so a slow health probe on a busy machine does not hold the start back.
        depends_on: Object.fromEntries(config.nodes.map((n) => [n.id, { condition: 'service_started' }])),
        healthcheck: healthcheck(gw, '/healthz'),
      },
      prometheus: {
        image: `\${PROMETHEUS_IMAGE:-${defaultImages.prometheus}}`,
        command: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=1d', '--web.listen-address=0.0.0.0:9090'],
        init: true,
        restart: 'no',
        volumes: [
          './monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
          './monitoring/rules:/etc/prometheus/rules:ro',
          './monitoring/containers/targets:/etc/prometheus/targets:ro',
        ],
        ports: ['127.0.0.1:${PROMETHEUS_PORT:-9090}:9090'],
        networks: onNetwork(lastOctet.prometheus!),
      },
      grafana: {
        image: `\${GRAFANA_IMAGE:-${defaultImages.grafana}}`,
        profiles: ['grafana'],
        init: true,
        restart: 'no',
        environment: {
          PROMETHEUS_URL: 'http://prometheus:9090', GF_AUTH_ANONYMOUS_ENABLED: 'true', GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
          GF_SECURITY_ALLOW_EMBEDDING: 'true',
        },
        volumes: [
          './monitoring/grafana/provisioning:/etc/grafana/provisioning:ro',
          './monitoring/grafana/dashboards:/var/lib/grafana/dashboards/raft-chaos:ro',
        ],
        ports: ['127.0.0.1:${GRAFANA_PORT:-3000}:3000'],
        networks: onNetwork(lastOctet.grafana!),
        depends_on: { prometheus: { condition: 'service_started' } },
      },
      dashboard: {
        image: projectImage,
        command: ['reports/dashboard/main.ts'],
        init: true,
        restart: 'no',
        // The dashboard reads the cluster the way the user's browser and `just status` do, through
        // the ports published on 127.0.0.1 (one config host serves every node, so in the network
        // it could not address node1..N by name). It listens on 127.0.0.1 only.
        network_mode: 'host',
        environment: {
          RAFT_CONFIG: '/app/cluster/cluster.json', RAFT_HOST: '127.0.0.1', RAFT_NODES: String(config.nodeCount),
          RAFT_BASE_PORT: `\${NODE1_PORT:-${config.nodes[0]!.port}}`, GATEWAY_PORT: `\${GATEWAY_PORT:-${gw}}`,
          DASHBOARD_HOST: '127.0.0.1', DASHBOARD_PORT: '${DASHBOARD_PORT:-8000}',
          PROMETHEUS_URL: 'http://127.0.0.1:${PROMETHEUS_PORT:-9090}', GRAFANA_URL: 'http://127.0.0.1:${GRAFANA_PORT:-3000}',
          REPORTS_RUNS_DIR: '/runs', RAFT_DATA_DIR: '/data', ...securityEnv,
        },
        volumes: ['./reports/runs:/runs:ro', authMount, tlsMount],
        depends_on: { gateway: { condition: 'service_started' } },
        healthcheck: healthcheck('${DASHBOARD_PORT:-8000}', '/'),
      },
    },
    networks: { [networkName]: { driver: 'bridge', ipam: { config: [{ subnet: `${subnet}.0/24` }] } } },
  };
}

/**
 * What `--nodes N` adds to docker-compose.yml: nodes 4..N, every node and the gateway told the
 * size, the gateway waiting for all of them, and the N-node proxy and scrape files (bind mounts
 * replace the base file's by target path). `files` are absolute paths of those two generated files.
 */
export function composeOverride(config: ClusterConfig, files: { toxiproxyJson: string; targetsDir: string }): YamlValue {
  const base = 3;
  const services: Record<string, YamlValue> = {};
  config.nodes.forEach((n, i) => {
    services[n.id] = i < base ? { environment: { RAFT_NODES: String(config.nodeCount) } } : nodeService(config, i);
  });
  services.gateway = {
    environment: { RAFT_NODES: String(config.nodeCount) },
    depends_on: Object.fromEntries(config.nodes.map((n) => [n.id, { condition: 'service_started' }])),
  };
  services.toxiproxy = { volumes: [`${files.toxiproxyJson}:/config/toxiproxy.json:ro`] };
  services.prometheus = { volumes: [`${files.targetsDir}:/etc/prometheus/targets:ro`] };
  services.dashboard = { environment: { RAFT_NODES: String(config.nodeCount) } };
  return { services };
}
