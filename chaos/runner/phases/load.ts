/**
 * Phase 2, load: node audit events are polled from the run's start, the chosen workloads run
 * open loop through the gateway, and a short warm-up passes before the first fault.
 * `stopLoad` ends the workloads (the heal phase calls it first, so no call is left in flight).
 */
import { sleep, type RunContext } from '../run-context.ts';

const warmupMs = 1000;

export async function startLoad(ctx: RunContext): Promise<void> {
  const o = ctx.options;
  ctx.loaded = true;
  await ctx.poller.start(ctx.startedAtMs);
  if (ctx.runAppend) {
    ctx.appendLoad.start();
    ctx.log(`load: ${o.rateRps} appends/s open loop through ${ctx.target.gatewayUrl}, up to ${o.concurrencyMax} concurrent`);
  }
  if (ctx.runRegister && ctx.pinnedLoad) {
    ctx.pinnedLoad.start();
    ctx.log(`load: ${Math.max(1, o.rateRps / 2)} register ops/s from ${ctx.options.pinnedClients ?? 2 * ctx.target.nodes.length} clients pinned to nodes (421 hints followed)`);
  }
  if (ctx.runRegister) {
    ctx.registerLoad.start();
    ctx.log(`load: ${o.rateRps} register ops/s (read/write/cas) on ${ctx.registerKeys.length} keys, ${ctx.registerClients} clients` +
      (ctx.unsafeStaleReads ? ' — UNSAFE: reads ?stale=true straight from the nodes in turn' : ' through the gateway'));
  }
  await sleep(warmupMs);
}

export async function stopLoad(ctx: RunContext): Promise<void> {
  await Promise.all([ctx.appendLoad.stop(), ctx.registerLoad.stop(), ctx.pinnedLoad?.stop()]);
}
