import { execFileSync } from 'node:child_process';
import { Toxiproxy } from 'toxiproxy-node-client';
import { repoRoot, type ClusterConfig } from '../config.ts';
import { linkSpecs } from '../links.ts';
import type { ProcessManager, ProcessSpec } from './process-manager.ts';

/**
 * The proxy every link of a `toxiproxy`-mode cluster goes through. Which one, in order:
 * a Toxiproxy already answering at TOXIPROXY_URL (the user's own), a `toxiproxy-server` binary
 * on PATH, or this project's compatible server (chaos/proxy), because no Toxiproxy binary can
 * be installed here. The last two run as the managed member `toxiproxy`.
 */
export const toxiproxyName = 'toxiproxy';

export class ToxiproxyUnavailableError extends Error {
  readonly code = 'TOXIPROXY_UNAVAILABLE';
}

export async function toxiproxyAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  try {
    const res = await fetch(new URL('/version', url), { signal: AbortSignal.timeout(timeoutMs) });
    await res.text();
    return res.ok;
  } catch {
    return false;
  }
}

function onPath(binary: string): string | null {
  try {
    return execFileSync('bash', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export function toxiproxyProcessSpec(config: ClusterConfig): ProcessSpec {
  const api = new URL(config.links.toxiproxyUrl);
  const port = api.port || '8474';
  const external = onPath('toxiproxy-server');
  if (external) return { name: toxiproxyName, command: external, args: ['-host', api.hostname, '-port', port], cwd: repoRoot, env: {} };
  return {
    name: toxiproxyName, command: process.execPath,
    args: ['--import', 'tsx', 'chaos/proxy/cli.ts', '--host', api.hostname, '--port', port], cwd: repoRoot, env: {},
  };
}

/**
 * Make sure a proxy answers and holds exactly this cluster's links (populate is idempotent:
 * existing proxies are updated in place). Returns whether this call started it.
 */
export async function ensureToxiproxy(config: ClusterConfig, manager: ProcessManager, timeoutMs = 15_000): Promise<{ started: boolean }> {
  const url = config.links.toxiproxyUrl;
  let started = false;
  if (!(await toxiproxyAnswers(url))) {
    await manager.start(toxiproxyProcessSpec(config));
    started = true;
    const deadline = Date.now() + timeoutMs;
    while (!(await toxiproxyAnswers(url))) {
      const info = manager.info(toxiproxyName);
      if (!info.alive) throw new ToxiproxyUnavailableError(`the proxy exited while starting; see ${manager.logPath(toxiproxyName)}`);
      if (Date.now() > deadline) throw new ToxiproxyUnavailableError(`no Toxiproxy answered at ${url} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const specs = linkSpecs(config);
  if (!started) await refuseForeignLinks(url, specs);
  await new Toxiproxy(url).populate(specs.map((s) => ({ ...s })));
  return { started };
}

/**
 * A proxy that already runs may serve another cluster (another data dir, another test): taking
 * it over would re-point that cluster's links at ours. Refuse when a link of ours exists there
 * with a different upstream or listen address.
 */
async function refuseForeignLinks(url: string, specs: readonly { name: string; listen: string; upstream: string }[]): Promise<void> {
  const res = await fetch(new URL('/proxies', url), { signal: AbortSignal.timeout(2000) });
  const existing = await res.json() as Record<string, { listen: string; upstream: string }>;
  for (const s of specs) {
    const e = existing[s.name];
    if (e && (e.upstream !== s.upstream || e.listen !== s.listen)) {
      throw new ToxiproxyUnavailableError(
        `the Toxiproxy at ${url} already serves another cluster (${s.name}: ${e.listen} -> ${e.upstream}, this cluster needs ${s.listen} -> ${s.upstream}); ` +
        'stop that cluster, or give this one its own TOXIPROXY_URL and RAFT_PROXY_BASE_PORT');
    }
  }
}

export interface LinksSummary {
  readonly proxies: number;
  readonly disabled: number;
  readonly toxics: number;
}

/** Counts for the status line; null when no proxy answers. Faults show up here as toxics. */
export async function linksSummary(url: string): Promise<LinksSummary | null> {
  try {
    const res = await fetch(new URL('/proxies', url), { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return null;
    const proxies = Object.values(await res.json() as Record<string, { enabled: boolean; toxics: unknown[] }>);
    return { proxies: proxies.length, disabled: proxies.filter((p) => !p.enabled).length, toxics: proxies.reduce((n, p) => n + p.toxics.length, 0) };
  } catch {
    return null;
  }
}
