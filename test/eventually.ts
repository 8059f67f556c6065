/**
 * Polls `probe` every 100 ms until it returns something truthy, bounded by `timeoutMs`. A probe
 * that throws (a node restarting, a port not yet open) is retried; the last error is reported
 * if time runs out. One helper for every integration test.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
