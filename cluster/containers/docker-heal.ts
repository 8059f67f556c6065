/**
 * `just heal --runtime docker [--no-sweep]`: undo every fault a chaos run left on the containers.
 *
 * 1. The docker runtime's ledger (<data dir>/docker/chaos/ledger.jsonl), newest first: unpause,
 *    start, reconnect with the saved aliases and address, remove drop rules, remove toxics.
 * 2. The sweep (unless --no-sweep), for what no ledger knows: every toxic and disabled proxy on
 *    the proxy, every paused member, every stopped member while the cluster is up, every member
 *    off the cluster network (reconnected with its service name and compose's fixed address),
 *    every DROP rule in a member's namespace.
 * Exit 0 when everything is healed, 1 when something could not be.
 */
import { Toxiproxy } from 'toxiproxy-node-client';
import { healPending } from '../../chaos/nemesis/heal.ts';
import { Ledger, ledgerPath } from '../../chaos/nemesis/ledger.ts';
import { sweep } from '../../chaos/nemesis/sweep.ts';
import { serviceAddress } from './compose-file.ts';
import { assertDockerAnswers, dockerDir, dockerRuntime, hostConfig, hostPortEnv, projectName, readRecord, type DockerClusterRecord } from './docker-cluster.ts';

export async function healDocker(doSweep: boolean, log: (line: string) => void = console.log): Promise<number> {
  // A request to a published port whose container does not answer (paused, starting) can sit on
  // an unreferenced socket; without a referenced handle node would exit mid-await (code 13).
  const keepAlive = setInterval(() => {}, 1000);
  try {
    return await heal(doSweep, log);
  } finally {
    clearInterval(keepAlive);
  }
}

async function heal(doSweep: boolean, log: (line: string) => void): Promise<number> {
  await assertDockerAnswers();
  const dir = dockerDir();
  const record: DockerClusterRecord = readRecord(dir) ?? {
    project: projectName(), nodeCount: 3, composeFiles: [], env: hostPortEnv(3), clusterId: '', startedAt: '',
  };
  const config = hostConfig(record, dir);
  const runtime = dockerRuntime(record);
  const ledger = new Ledger(ledgerPath(config.dataDirAbs));
  const toxiproxy = new Toxiproxy(config.links.toxiproxyUrl);
  let ok = true;

  log(`ledger ${ledger.path}: ${ledger.pending().length} fault(s) pending`);
  const report = await healPending({ runtime, toxiproxy, ledger });
  for (const h of report.healed) log(`healed ${h.describe}: ${h.steps.join('; ') || 'nothing to undo'}`);
  for (const f of report.failed) {
    ok = false;
    log(`NOT healed ${f.describe}: ${f.errors.join('; ')}`);
  }
  if (!doSweep) {
    log(ok ? 'healed: no fault left' : 'some faults could not be healed (see above)');
    return ok ? 0 : 1;
  }

  const members = await runtime.list();
  const clusterUp = members.some((m) => m.state !== 'stopped');
  const actions: string[] = [];
  const attempt = async (what: string, fn: () => Promise<string | null>) => {
    try {
      const done = await fn();
      if (done) actions.push(done);
    } catch (err) {
      ok = false;
      log(`sweep FAILED: ${what}: ${(err as Error)?.message ?? String(err)}`);
    }
  };
  // Back on the network first: a started or resumed member with no network is still cut off.
  const left = await runtime.network.leftovers();
  const prefix = record.env.RAFT_SUBNET_PREFIX ?? '172.29.0';
  for (const member of left.disconnected) {
    await attempt(`reconnect ${member}`, async () => {
      const address = serviceAddress(member, prefix);
      await runtime.network.reconnect(member, { network: runtime.networkName, aliases: [member], ipv4Address: address });
      return `reconnected ${member} to ${runtime.networkName}${address ? ` as ${address}` : ''}`;
    });
  }
  for (const d of left.drops) {
    await attempt(`drop rule in ${d.member}`, async () => ((await runtime.network.removeDrop(d.member, d.rule)) === 'removed' ? `removed drop rule ${d.rule.args.join(' ')} in ${d.member}` : null));
  }
  const swept = await sweep({ runtime, toxiproxy, clusterMembers: clusterUp ? members.map((m) => m.name) : null });
  for (const line of swept.notes) log(`sweep: ${line}`);
  for (const line of [...actions, ...swept.actions]) log(`sweep: ${line}`);
  for (const line of swept.failures) {
    ok = false;
    log(`sweep FAILED: ${line}`);
  }
  if (actions.length === 0 && swept.actions.length === 0 && swept.failures.length === 0) log('sweep: nothing outside the ledger to heal');
  log(ok ? 'healed: no fault left' : 'some faults could not be healed (see above)');
  return ok ? 0 : 1;
}
