import { startGateway, type GatewayOptions, type StartedGateway } from './gateway.ts';
import { startFakeCluster, type FakeCluster } from './test-fake-node.ts';

export interface Rig {
  readonly cluster: FakeCluster;
  readonly gateway: StartedGateway;
  /** Leader changes the gateway reported, as "from->to". */
  readonly changes: string[];
  close(): Promise<void>;
}

/** A fake cluster (node1 leader unless `leader` says otherwise) and a gateway on a free port. */
export async function startRig(gatewayConfig: Record<string, unknown> = {}, options: GatewayOptions = {}, leader: string | null = 'node1'): Promise<Rig> {
  const cluster = await startFakeCluster({ statusPollMs: 50, failoverDeadlineMs: 1500, ...gatewayConfig });
  cluster.elect(leader);
  const changes: string[] = [];
  const gateway = await startGateway(cluster.config, {
    port: 0, ...options,
    onLeaderChange: (p, n) => changes.push(`${p?.id ?? 'none'}->${n?.id ?? 'none'}`),
  });
  return { cluster, gateway, changes, close: async () => { await gateway.close(); await cluster.close(); } };
}

/** Polls `check` every 10 ms until it is true; fails after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function call(base: string, method: string, path: string, body?: unknown, rawBody?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (rawBody !== undefined) init.body = rawBody;
  else if (body !== undefined) { init.body = JSON.stringify(body); (init.headers as Record<string, string>)['content-type'] = 'application/json'; }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON: the test will say so */ }
  return { status: res.status, body: parsed, headers: res.headers };
}
