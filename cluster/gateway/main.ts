import { runCli } from '../common/cli-usage.ts';
import { gatewayUrl, loadConfig } from '../config.ts';
import { startGateway } from './gateway.ts';

/**
 * The API gateway process: `node --import tsx cluster/gateway/main.ts`. Configuration comes
 * from cluster/config.ts (file + environment) only. One log line per leader change.
 */
await runCli(async () => {
  const config = loadConfig();
  const gateway = await startGateway(config, {
    onLeaderChange: (previous, next, reason, fromNodeId) => {
      const at = new Date().toISOString();
      console.log(`${at} gateway: leader ${previous?.id ?? 'none'} -> ${next?.id ?? 'none'}` +
        `${next ? ` (term ${next.term})` : ''} via ${reason} from ${fromNodeId}`);
    },
  });
  console.log(`gateway listening on ${gateway.url} (configured ${gatewayUrl(config)}); nodes ${config.nodes.map((n) => n.id).join(', ')}; ` +
    `coalesce ${config.gateway.coalesceWrites}, failover deadline ${config.gateway.failoverDeadlineMs} ms`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  console.log(`gateway: ${signal}, closing`);
  await gateway.close();
  return 0;
});
