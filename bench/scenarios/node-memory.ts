// Resident memory of each node, read from its Prometheus endpoint (process_resident_memory_bytes,
// from prom-client's default metrics). A node that does not answer in time gives null for that
// sample rather than stalling the sampler.
export interface MemorySample {
  /** Since the start of the soak. */
  atMs: number;
  node: string;
  rssBytes: number | null;
}

const rssLine = /^process_resident_memory_bytes(?:\{[^}]*\})?\s+([0-9.eE+-]+)/m;

export function parseRssBytes(metricsText: string): number | null {
  const m = rssLine.exec(metricsText);
  if (m === null) return null;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : null;
}

export async function readRssBytes(nodeUrl: string, timeoutMs = 2000): Promise<number | null> {
  try {
    const res = await fetch(`${nodeUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    return parseRssBytes(await res.text());
  } catch {
    return null;
  }
}

/** Samples every node now and then every intervalMs until stop() (which takes one last sample). */
export function startMemorySampler(nodes: readonly { id: string; url: string }[], intervalMs: number, now: () => number): { stop(): Promise<MemorySample[]> } {
  const samples: MemorySample[] = [];
  const t0 = now();
  let pending: Promise<void> = Promise.resolve();
  const sampleAll = (): Promise<void> => {
    const atMs = now() - t0;
    return Promise.all(nodes.map(async (n) => { samples.push({ atMs, node: n.id, rssBytes: await readRssBytes(n.url) }); })).then(() => undefined);
  };
  pending = sampleAll();
  const timer = setInterval(() => { pending = pending.then(sampleAll); }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
      await sampleAll();
      return samples.sort((a, b) => a.atMs - b.atMs || a.node.localeCompare(b.node));
    },
  };
}
