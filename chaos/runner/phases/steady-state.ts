/**
 * Phase 1, steady state: one leader, every node caught up, every member running, and a probe
 * write through the gateway. A run that cannot reach it aborts (verdict unknown) before any load.
 */
import { waitForRecovery } from '../recovery-check.ts';
import type { RunContext } from '../run-context.ts';

const steadyTimeoutMs = 10_000;

export async function steadyState(ctx: RunContext): Promise<void> {
  ctx.log(`steady state: waiting for one leader and a healthy cluster (${steadyTimeoutMs} ms)`);
  const steady = await waitForRecovery(ctx.target.view, steadyTimeoutMs);
  const down = await ctx.notRunning();
  if (!steady.recovered) ctx.abortReason = `steady state not reached: ${steady.reason}`;
  else if (down.length > 0) ctx.abortReason = `steady state not reached: not running: ${down.join(', ')}`;
  else {
    const probe = await probeWrite(ctx.target.gatewayUrl, `${ctx.clientId}-probe`);
    if (probe !== null) ctx.abortReason = `steady state not reached: a probe write failed: ${probe}`;
  }
}

/** null when the write succeeded; otherwise what went wrong. */
async function probeWrite(gatewayUrl: string, clientId: string): Promise<string | null> {
  try {
    const res = await fetch(`${gatewayUrl}/api/write`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { probe: true }, source: 'chaos-probe', clientId, requestId: '1' }),
      signal: AbortSignal.timeout(5000),
    });
    return res.ok ? null : `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
  } catch (err) {
    return (err as Error).message;
  }
}
