// A storage node: node --import tsx cluster/node/main.ts --id node1
// Configuration from cluster/config.ts (file + environment); NODE_ID works instead of --id.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseCliArgs, runCli, UsageError } from '../common/cli-usage.ts';
import { loadConfig, nodeSpec, peerUrl, raftTicks } from '../config.ts';
import { Rng } from '../common/rng.ts';
import { FileStorage } from '../storage/file-storage.ts';
import { decideStart, hasRaftState, parseInitialClusterState, peersFormed, readNodeIdentity, writeNodeIdentity, type NodeIdentity } from './node-identity.ts';
import { ensureAdminToken, TokenVerifier } from '../auth/token-store.ts';
import { ensureClusterCerts, readNodeTls } from '../auth/cluster-certs.ts';
import { skipGlobalCredentials } from '../common/client-credentials.ts';
import { openAuditLog, redactSecrets } from '../auth/audit-log.ts';
import { createNodeMetrics } from './node-metrics.ts';
import { createNodeServer } from './node-app.ts';
import { PeerTransport } from './peer-transport.ts';
import { RaftHost } from './raft-host.ts';
import { StateMachine } from './state-machine.ts';

skipGlobalCredentials();
await runCli(async () => {
  const { values } = parseCliArgs(process.argv.slice(2), { id: { type: 'string' } });
  const config = loadConfig();
  const id = values.id ?? process.env.NODE_ID;
  if (!id) throw new UsageError('which node? pass --id nodeN (or NODE_ID)');
  const spec = nodeSpec(config, id);
  const peers = config.nodes.map((n) => n.id);
  const dataDir = join(config.dataDirAbs, id);
  // Lost-state rule (node-identity.ts): an empty node rejoining a formed cluster catches up first.
  const start = decideStart({
    nodeId: id, clusterId: config.clusterId, existing: readNodeIdentity(dataDir), hasRaftState: hasRaftState(join(dataDir, 'raft')),
    initialClusterState: parseInitialClusterState(process.env.INITIAL_CLUSTER_STATE),
    peerFormed: peersFormed(config.dataDirAbs, peers, id), nowMs: Date.now(),
  });
  let identity: NodeIdentity = start.identity;
  await writeNodeIdentity(dataDir, identity);
  console.log(`${id}: ${start.reason} (incarnation ${identity.incarnation})`);
  let identityWrites = Promise.resolve();
  const updateIdentity = (change: Partial<NodeIdentity>) => {
    identity = { ...identity, ...change, updatedAtMs: Date.now() };
    const next = identity;
    identityWrites = identityWrites.then(() => writeNodeIdentity(dataDir, next)).catch((err: unknown) => {
      console.error(`${id}: cannot write identity, exiting: ${(err as Error).message}`);
      process.exit(70);
    });
  };
  const metrics = createNodeMetrics(peers.filter((p) => p !== id));
  const audit = openAuditLog(config.dataDirAbs, id);
  const { peerTls, clientTls } = config.security;
  if (peerTls || clientTls) ensureClusterCerts(config.dataDirAbs, peers, config.host, config.clusterId);
  const tls = peerTls || clientTls ? readNodeTls(config.dataDirAbs, id) : null;
  const transport = new PeerTransport({
    tls: peerTls ? tls : null,
    self: id,
    clusterId: config.clusterId,
    peerUrls: new Map(peers.filter((p) => p !== id).map((p) => [p, peerUrl(config, id, p)])),
    metrics,
  });
  // Election timeouts must differ between nodes and between restarts: seed from the OS.
  const seed = randomBytes(4).readUInt32LE(0);
  const rng = new Rng(seed);
  const host = new RaftHost({
    id, peers, tickMs: config.raft.tickMs, ...raftTicks(config),
    preVote: config.raft.preVote, checkQuorum: config.raft.checkQuorum,
    maxInflightAppends: config.raft.maxInflightAppends, maxEntriesPerAppend: config.raft.maxEntriesPerAppend,
    snapshotEntries: config.raft.snapshotEntries, snapshotLogRatio: config.raft.snapshotLogRatio, requestTimeoutMs: config.raft.requestTimeoutMs,
    // node k's first snapshot comes k/(2N) of an interval later: snapshots are never simultaneous.
    snapshotOffsetEntries: Math.floor((config.raft.snapshotEntries * peers.indexOf(id)) / (2 * peers.length)),
    storage: new FileStorage({ dir: join(dataDir, 'raft'), fsync: config.storage.fsync }),
    stateMachine: new StateMachine(),
    send: (m) => transport.send(m), audit, metrics, clock: Date.now, random: () => rng.next(),
    catchingUp: start.catchingUp,
    onRaftEvent: (ev) => {
      if (ev.kind === 'caught-up') updateIdentity({ state: 'member' });
      else if (ev.kind === 'role' && ev.leader !== null && !identity.formed) updateIdentity({ formed: true });
    },
    onFatal: (err) => {
      console.error(`${id}: storage failure, exiting: ${(err as Error).message}`);
      process.exit(70);
    },
  });
  await host.start();
  audit.record('config', { config: redactSecrets({ ...config, nodes: config.nodes.map((n) => n.url) }) });
  if (config.security.auth) ensureAdminToken(config.dataDirAbs);
  const server = createNodeServer({
    verifier: config.security.auth ? new TokenVerifier(config.dataDirAbs) : null,
    bodyTimeoutMs: config.security.bodyTimeoutMs,
    tls, peerTls, clientTls,
    host, audit, metrics, tickMs: config.raft.tickMs, peers,
    bodyLimitBytes: config.http.bodyLimitBytes, peerBodyLimitBytes: config.security.peerBodyLimitBytes,
    nodeUrl: (n) => config.nodes.find((x) => x.id === n)?.url ?? null,
    clusterId: config.clusterId,
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.server.listen(spec.port, spec.host, () => resolve());
  });
  console.log(`${id} listening on ${spec.url} (cluster ${config.clusterId}, fsync ${config.storage.fsync}, data ${dataDir}, election seed ${seed}, ` +
    `auth ${config.security.auth ? 'on' : 'OFF'}, peer TLS ${peerTls ? 'on' : 'OFF'}, client TLS ${clientTls ? 'on' : 'off'})`);

  return await new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      console.log(`${id}: ${signal}, shutting down`);
      server.server.close();
      server.http.closeAllConnections();
      server.https?.closeAllConnections();
      void Promise.all([host.stop(), transport.close()]).then(() => resolve(0), () => resolve(1));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
});

