// `just heal [--no-sweep]`: undo every fault a chaos run left behind on the local cluster.
//
// 1. The ledger (<dataDir>/chaos/ledger.jsonl, the data dir from the cluster config and its
//    environment overrides): every fault injected and not healed is undone, newest first.
// 2. The sweep (unless --no-sweep), for what no ledger knows: every toxic on every proxy of the
//    configured Toxiproxy server, every disabled proxy, every paused member, and — when the
//    cluster is up — every stopped member of it, and its proxy when that no longer answers.
// Prints what it did; exit 0 when everything is healed, 1 when something could not be, 64 on a
// usage or configuration error.
import { Toxiproxy } from 'toxiproxy-node-client';
import { ConfigError, loadConfig } from '../cluster/config.ts';
import { gatewayName } from '../cluster/local/cluster-processes.ts';
import { readClusterRecord } from '../cluster/local/cluster-record.ts';
import { ProcessManager } from '../cluster/local/process-manager.ts';
import { ensureToxiproxy, toxiproxyAnswers } from '../cluster/local/toxiproxy-member.ts';
import { healPending } from './nemesis/heal.ts';
import { Ledger, ledgerPath } from './nemesis/ledger.ts';
import { sweep } from './nemesis/sweep.ts';
import { LocalRuntime } from './runtime/local.ts';
import { UsageError, usageExitCode } from '../cluster/common/cli-usage.ts';
import { takeRuntimeFlag } from '../cluster/common/runtime-flag.ts';
import { healCommand } from '../cluster/common/runtime-commands.ts';

const usage = 'usage: just heal [--no-sweep] [--runtime local|docker]';

async function main(argv: string[]): Promise<number> {
  let doSweep = true;
  const { runtime: runtimeKind, rest } = takeRuntimeFlag(argv);
  if (runtimeKind !== 'local') return healCommand.run(runtimeKind, !rest.includes('--no-sweep'));
  for (const arg of argv) {
    if (arg === '--no-sweep') doSweep = false;
    else if (arg === '--help' || arg === '-h') { console.log(usage); return 0; }
    else throw new UsageError(`unexpected argument "${arg}"; ${usage}`);
  }
  const config = loadConfig(process.env);
  const manager = new ProcessManager(config.dataDirAbs);
  const runtime = new LocalRuntime(manager);
  const ledger = new Ledger(ledgerPath(config.dataDirAbs));
  const toxiproxy = new Toxiproxy(config.links.toxiproxyUrl);
  let ok = true;

  const pendingCount = ledger.pending().length;
  console.log(`ledger ${ledger.path}: ${pendingCount} fault(s) pending`);
  const report = await healPending({ runtime, toxiproxy, ledger });
  for (const h of report.healed) console.log(`healed ${h.describe}: ${h.steps.join('; ') || 'nothing to undo'}`);
  for (const f of report.failed) {
    ok = false;
    console.log(`NOT healed ${f.describe}: ${f.errors.join('; ')}`);
  }

  if (doSweep) {
    const record = readClusterRecord(manager.runDir);
    const members = record ? [...record.nodes.map((n) => n.id), gatewayName] : [];
    const live = new Set(manager.list().filter((p) => p.alive).map((p) => p.name));
    const clusterUp = members.some((m) => live.has(m));
    const swept = await sweep({ runtime, toxiproxy, clusterMembers: clusterUp ? members : null });
    for (const line of swept.notes) console.log(`sweep: ${line}`);
    for (const line of swept.actions) console.log(`sweep: ${line}`);
    for (const line of swept.failures) {
      ok = false;
      console.log(`sweep FAILED: ${line}`);
    }
    // A cluster that is up but whose proxy is gone is cut off completely: start it with its links.
    if (clusterUp && config.links.mode === 'toxiproxy' && !(await toxiproxyAnswers(config.links.toxiproxyUrl))) {
      try {
        await ensureToxiproxy(config, manager);
        console.log(`sweep: started the proxy at ${config.links.toxiproxyUrl} with the cluster's links`);
      } catch (err) {
        ok = false;
        console.log(`sweep FAILED: start the proxy: ${(err as Error)?.message ?? String(err)}`);
      }
    } else if (swept.actions.length === 0 && swept.failures.length === 0) console.log('sweep: nothing outside the ledger to heal');
  }
  console.log(ok ? 'healed: no fault left' : 'some faults could not be healed (see above)');
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    process.stderr.write(`heal: ${err.message}\n`);
    process.exit(usageExitCode);
  }
  process.stderr.write(`heal: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
