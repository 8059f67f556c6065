/**
 * The sweep behind `just heal`: undo what no ledger knows about (a ledger lost with its data
 * dir, a fault injected by hand with curl or another client).
 *
 * Exports: `sweep`, `SweepDeps`, `SweepReport`.
 *
 *   every toxic on every proxy of the server    removed
 *   every disabled proxy                        enabled
 *   every paused member                         resumed
 *   every stopped member of `clusterMembers`    started (pass it only when the cluster is up:
 *                                               a cluster taken down on purpose stays down)
 */
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { Runtime } from '../runtime/runtime.ts';
import { enableProxy, listProxies, probeToxiproxy, removeToxic } from './proxy-control.ts';

export interface SweepDeps {
  readonly runtime: Runtime;
  readonly toxiproxy: Toxiproxy;
  readonly clusterMembers: readonly string[] | null;
}

export interface SweepReport {
  readonly actions: readonly string[];
  readonly notes: readonly string[];
  readonly failures: readonly string[];
}

export async function sweep(deps: SweepDeps): Promise<SweepReport> {
  const actions: string[] = [];
  const notes: string[] = [];
  const failures: string[] = [];
  const attempt = async (what: string, fn: () => Promise<string | null>) => {
    try {
      const done = await fn();
      if (done) actions.push(done);
    } catch (err) {
      failures.push(`${what}: ${(err as Error)?.message ?? String(err)}`);
    }
  };

  // Members first: a paused proxy member would make every proxy call below time out.
  try {
    const members = await deps.runtime.list();
    for (const m of members) {
      if (m.state === 'paused') await attempt(`resume ${m.name}`, async () => { await deps.runtime.resume(m.name); return `resumed paused ${m.name}`; });
    }
    for (const name of deps.clusterMembers ?? []) {
      const m = members.find((x) => x.name === name);
      if (m?.state === 'stopped') await attempt(`start ${name}`, async () => { await deps.runtime.start(name); return `started stopped ${name}`; });
    }
  } catch (err) {
    failures.push(`list members: ${(err as Error)?.message ?? String(err)}`);
  }
  const url = deps.toxiproxy.host;
  const probe = await probeToxiproxy(url);
  if (probe === 'refused') notes.push(`no proxy server at ${url}: no toxic or disabled proxy can exist there`);
  else if (probe === 'silent') failures.push(`proxy server at ${url} does not answer`);
  else {
    try {
      for (const proxy of await listProxies(deps.toxiproxy)) {
        for (const t of proxy.toxics) {
          await attempt(`remove toxic ${t.name} from ${proxy.name}`, async () =>
            (await removeToxic(deps.toxiproxy, proxy.name, t.name)) === 'removed' ? `removed stray toxic ${t.name} (${t.type} ${t.stream}) from ${proxy.name}` : null);
        }
        if (!proxy.enabled) {
          await attempt(`enable proxy ${proxy.name}`, async () =>
            (await enableProxy(deps.toxiproxy, proxy.name)) === 'enabled' ? `enabled disabled proxy ${proxy.name}` : null);
        }
      }
    } catch (err) {
      failures.push(`list proxies at ${url}: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  return { actions, notes, failures };
}
